import { describe, expect, it } from "vitest";
import { idSchema, isId, newId } from "./ids.ts";

describe("ids", () => {
  it("are prefixed by kind and validate as that kind only", () => {
    const id = newId("tenant");
    expect(id).toMatch(/^ten_[0-9a-z]{20}$/);
    expect(isId("tenant", id)).toBe(true);
    expect(isId("order", id)).toBe(false);
    expect(idSchema("tenant").safeParse(id).success).toBe(true);
    expect(idSchema("cluster").safeParse(id).success).toBe(false);
  });

  it("reject look-alikes", () => {
    for (const bad of [
      "ten_",
      "ten_ABCDEFGHJKMNPQRSTVWX",
      "ten_aaaaaaaaaaaaaaaaaaa",
      "ten_aaaaaaaaaaaaaaaaaaaaa",
      " ten_aaaaaaaaaaaaaaaaaaaa",
      42,
      null,
    ]) {
      expect(isId("tenant", bad)).toBe(false);
    }
  });

  it("do not repeat", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId("order")));
    expect(ids.size).toBe(10_000);
  });
});
