import { DomainError, type ApiKeyId } from "@platforma/contracts";
import type { SystemDb } from "@platforma/db";
import { authenticateApiKey, parseApiKeyToken, recordApiKeyUse } from "@platforma/domain";
import type { Logger } from "../context.ts";
import { createFailureThrottle, DEFAULT_API_KEY_FAILURES, type FailureThrottle } from "./failure-throttle.ts";
import type { Principal, TokenVerifier } from "./principal.ts";

export interface ApiKeyVerifierOptions {
  /** The system handle: a key is looked up by its id before its tenant is known. */
  db: SystemDb;
  logger: Logger;
  /** How often `last_used_at` is written per key, at most (default one minute). */
  lastUsedIntervalMs?: number;
  /** Refusals counted per key id (default: 10 a minute). */
  failures?: FailureThrottle;
}

/** Bounds the per-process throttle map; forgetting a key only costs one extra (conditional) write. */
const MAX_TRACKED_KEYS = 10_000;

/**
 * Verifies `pfa_…` API keys. Every call reads the key row (revocation is immediate); recording use
 * is throttled and happens off the request path, and its failure never fails the request.
 *
 * A key id with too many refusals in its window has further refusals answered `rate_limited`
 * instead of `invalid_token`, and logged once rather than each time. Its secret is still checked
 * — whether or not the id exists, so a throttled id costs the same lookup and hash as any other
 * and tells nothing about the id — and a correct one still passes: whoever knows a key id (it is
 * in the key's listing and in logs) cannot lock its owner out. The address throttle in front of
 * the verifier (`trpc.ts`) is what refuses a guessing client before any lookup.
 */
export function createApiKeyVerifier(opts: ApiKeyVerifierOptions): TokenVerifier {
  const interval = opts.lastUsedIntervalMs ?? 60_000;
  const failures = opts.failures ?? createFailureThrottle(DEFAULT_API_KEY_FAILURES);
  const lastWrite = new Map<ApiKeyId, number>();

  function noteUse(keyId: ApiKeyId) {
    const now = Date.now();
    const previous = lastWrite.get(keyId);
    if (previous !== undefined && now - previous < interval) return;
    lastWrite.delete(keyId);
    lastWrite.set(keyId, now);
    if (lastWrite.size > MAX_TRACKED_KEYS) {
      const oldest = lastWrite.keys().next();
      if (!oldest.done) lastWrite.delete(oldest.value);
    }
    recordApiKeyUse(opts.db, keyId, interval).catch((err: unknown) => {
      opts.logger.warn({ err, key_id: keyId }, "recording api key use failed");
    });
  }

  return {
    async verify(token) {
      const keyId = parseApiKeyToken(token)?.keyId ?? null;
      const retryAfterMs = keyId ? await failures.retryAfterMs(keyId) : null;
      const key = await authenticateApiKey(opts.db, token).catch(async (err: unknown) => {
        if (!(err instanceof DomainError)) throw err;
        const reachedLimit = keyId ? await failures.recordFailure(keyId) : false;
        if (retryAfterMs !== null) {
          throw new DomainError(
            "rate_limited",
            "too many refused attempts for this api key; retry later",
            { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) },
            { cause: err },
          );
        }
        // A refused key is a security signal: logged by key id (never the token) for audit.
        opts.logger.warn({ key_id: keyId, detail: err.details["detail"] }, "api key refused");
        if (reachedLimit) {
          opts.logger.warn({ key_id: keyId }, "api key refusals reached the limit; answering rate_limited");
        }
        throw err;
      });
      noteUse(key.keyId);
      const principal: Principal = {
        userId: key.keyId,
        tenantId: key.tenantId,
        roles: [],
        scopes: key.scopes,
        via: "api_key",
      };
      return principal;
    },
  };
}
