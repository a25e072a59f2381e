import { describe, expect, it } from "vitest";
import type { Principal } from "./principal.ts";
import { createVerifiedTokenCache } from "./verified-token-cache.ts";

const principal = (): Principal => ({
  userId: "usr_a",
  tenantId: null,
  roles: ["admin"],
  scopes: ["orders:read"],
  via: "jwt",
});

describe("verified token cache", () => {
  it("answers only the exact token it stored, until the token's exp", () => {
    let now = 1_000_000;
    const cache = createVerifiedTokenCache({ now: () => now, maxAgeMs: 60_000 });
    cache.set("token-a", principal(), now + 5_000);
    expect(cache.get("token-a")?.userId).toBe("usr_a");
    expect(cache.get("token-a ")).toBeUndefined();
    expect(cache.get("token-b")).toBeUndefined();
    now += 5_000;
    expect(cache.get("token-a"), "gone at exp").toBeUndefined();
  });

  it("forgets a token after maxAge even when its exp is later", () => {
    let now = 0;
    const cache = createVerifiedTokenCache({ now: () => now, maxAgeMs: 1_000 });
    cache.set("t", principal(), 3_600_000);
    now = 999;
    expect(cache.get("t")).toBeDefined();
    now = 1_000;
    expect(cache.get("t")).toBeUndefined();
  });

  it("does not store an already expired token, and keeps at most maxEntries", () => {
    const now = 10_000;
    const cache = createVerifiedTokenCache({ now: () => now, maxEntries: 2 });
    cache.set("expired", principal(), now);
    expect(cache.get("expired")).toBeUndefined();
    cache.set("a", principal(), now + 1_000);
    cache.set("b", principal(), now + 1_000);
    cache.set("c", principal(), now + 1_000);
    expect(cache.size).toBe(2);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("c")).toBeDefined();
  });

  it("hands out a principal nobody can change", () => {
    const cache = createVerifiedTokenCache();
    cache.set("t", principal(), Date.now() + 10_000);
    const cached = cache.get("t");
    expect(() => cached?.scopes.push("platform:admin")).toThrow(TypeError);
    expect(Object.isFrozen(cached)).toBe(true);
  });
});
