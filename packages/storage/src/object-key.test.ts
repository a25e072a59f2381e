import { describe, expect, it } from "vitest";
import { DomainError, newId } from "@platforma/contracts";
import { tenantObjectKey, validateRelativeKey } from "./object-key.ts";

describe("tenant object keys", () => {
  const tenant = newId("tenant");
  const other = newId("tenant");

  it("are always built under tenants/<tenant_id>/", () => {
    expect(tenantObjectKey(tenant, "archive/2026-01-01T00-00-00Z/manifest.json")).toBe(
      `tenants/${tenant}/archive/2026-01-01T00-00-00Z/manifest.json`,
    );
  });

  it.each([
    ["..", "dot segment"],
    ["../x", "dot segment"],
    ["a/../../b", "dot segment"],
    ["a/./b", "dot segment"],
    ["/etc/passwd", "leading slash"],
    ["a\\..\\b", "backslash"],
    ["a\u0000b", "control character"],
    ["a\nb", "control character"],
    ["a\u007fb", "control character"],
    ["a//b", "empty segment"],
    ["", "empty"],
    [`tenants/${other}/secret`, "never name a tenant"],
    [`${other}/secret`, "never name a tenant"],
    ["a/", "trailing slash"],
    ["x".repeat(1000), "too long"],
  ])("refuses %j (%s)", (key, why) => {
    const attempt = () => tenantObjectKey(tenant, key);
    expect(attempt).toThrow(DomainError);
    expect(attempt).toThrow(why);
  });

  it("refuses a tenant id that is not one", () => {
    expect(() => tenantObjectKey("ten_../x" as never, "a")).toThrow(DomainError);
  });

  it("accepts listing prefixes", () => {
    expect(validateRelativeKey("", { allowPartial: true })).toBe("");
    expect(validateRelativeKey("archive/", { allowPartial: true })).toBe("archive/");
    expect(validateRelativeKey("archive/2026-", { allowPartial: true })).toBe("archive/2026-");
    expect(() => validateRelativeKey("../", { allowPartial: true })).toThrow(DomainError);
  });
});
