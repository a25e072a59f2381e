import type { Principal } from "./principal.ts";

export interface VerifiedTokenCacheOptions {
  /** Most tokens remembered; the least recently stored goes first. */
  maxEntries?: number;
  /**
   * Longest a token is remembered, whatever its `exp`: a key removed from the key set (rotation
   * after a compromise) stops being honoured for cached tokens within this time.
   */
  maxAgeMs?: number;
  now?: () => number;
}

export interface VerifiedTokenCache {
  get(token: string): Principal | undefined;
  /** Remembers a verified token until `expiresAtMs` (its `exp`), or `maxAgeMs`, whichever is first. */
  set(token: string, principal: Principal, expiresAtMs: number): void;
  readonly size: number;
}

/**
 * Verified JWTs by their exact bytes, so a repeated token skips the signature check. Only what
 * verified is stored (a forged or altered token is other bytes: a miss, verified in full), entries
 * end at the token's `exp` (never later, without clock tolerance), and what the token grants is
 * still checked per request afterwards: the tenant state check (suspension) and scopes run on
 * every request, cached or not.
 */
export function createVerifiedTokenCache(options: VerifiedTokenCacheOptions = {}): VerifiedTokenCache {
  const { maxEntries = 10_000, maxAgeMs = 60_000, now = Date.now } = options;
  const entries = new Map<string, { principal: Principal; expiresAtMs: number }>();
  return {
    get(token) {
      const entry = entries.get(token);
      if (!entry) return undefined;
      if (now() >= entry.expiresAtMs) {
        entries.delete(token);
        return undefined;
      }
      return entry.principal;
    },
    set(token, principal, expiresAtMs) {
      const until = Math.min(expiresAtMs, now() + maxAgeMs);
      if (until <= now()) return;
      entries.delete(token);
      entries.set(token, { principal: freeze(principal), expiresAtMs: until });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    get size() {
      return entries.size;
    },
  };
}

/** Shared by every request that presents the token: nobody may change it. */
function freeze(principal: Principal): Principal {
  Object.freeze(principal.roles);
  Object.freeze(principal.scopes);
  return Object.freeze(principal);
}
