import { DomainError, type ApiKeyId } from "@platforma/contracts";
import type { SystemDb } from "@platforma/db";
import { authenticateApiKey, parseApiKeyToken, recordApiKeyUse } from "@platforma/domain";
import type { Logger } from "../context.ts";
import type { Principal, TokenVerifier } from "./principal.ts";

export interface ApiKeyVerifierOptions {
  /** The system handle: a key is looked up by its id before its tenant is known. */
  db: SystemDb;
  logger: Logger;
  /** How often `last_used_at` is written per key, at most (default one minute). */
  lastUsedIntervalMs?: number;
}

/** Bounds the per-process throttle map; forgetting a key only costs one extra (conditional) write. */
const MAX_TRACKED_KEYS = 10_000;

/**
 * Verifies `pfa_…` API keys. Every call reads the key row (revocation is immediate); recording use
 * is throttled and happens off the request path, and its failure never fails the request.
 */
export function createApiKeyVerifier(opts: ApiKeyVerifierOptions): TokenVerifier {
  const interval = opts.lastUsedIntervalMs ?? 60_000;
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
      const key = await authenticateApiKey(opts.db, token).catch((err: unknown) => {
        // A refused key is a security signal: logged by key id (never the token) for audit.
        if (err instanceof DomainError) {
          const keyId = parseApiKeyToken(token)?.keyId ?? null;
          opts.logger.warn({ key_id: keyId, detail: err.details["detail"] }, "api key refused");
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
