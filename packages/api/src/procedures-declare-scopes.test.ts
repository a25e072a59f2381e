import { describe, expect, it } from "vitest";
import { isScope } from "@platforma/contracts";
import { appRouter } from "./routers/app-router.ts";
import type { Meta } from "./trpc.ts";

/** Procedures anyone may call without a credential. Adding one here is a security decision. */
const PUBLIC_PROCEDURES = new Set(["health"]);

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta } }>,
);

describe("every non-public procedure declares the scopes it needs", () => {
  it("finds the procedures", () => {
    expect(procedures.length).toBeGreaterThan(5);
  });

  it.each(procedures.filter(([path]) => !PUBLIC_PROCEDURES.has(path)))("%s", (_path, procedure) => {
    const scopes = procedure._def.meta?.scopes;
    expect(scopes?.length).toBeGreaterThan(0);
    for (const s of scopes ?? []) expect(isScope(s)).toBe(true);
  });

  it("operator procedures require platform:admin", () => {
    for (const [path, procedure] of procedures.filter(([p]) => p.startsWith("tenants."))) {
      expect(procedure._def.meta?.scopes, path).toContain("platform:admin");
    }
  });

  it("IAM procedures require their management scope", () => {
    const iam = procedures.filter(([p]) => p.startsWith("users.") || p.startsWith("apiKeys."));
    expect(iam.map(([p]) => p).sort()).toEqual([
      "apiKeys.create",
      "apiKeys.list",
      "apiKeys.revoke",
      "users.get",
      "users.invite",
      "users.list",
      "users.remove",
      "users.updateRoles",
    ]);
    for (const [path, procedure] of iam) {
      expect(procedure._def.meta?.scopes, path).toEqual([
        path.startsWith("users.") ? "users:manage" : "api_keys:manage",
      ]);
    }
  });
});
