import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { DomainError, isScope, type ApiKeyId, type Scope, type TenantId } from "@platforma/contracts";
import { apiKeys, type SystemDb } from "@platforma/db";
import { hashApiKeySecret, parseApiKeyToken, secretMatchesHash } from "./api-key-token.ts";

export interface AuthenticatedApiKey {
  keyId: ApiKeyId;
  tenantId: TenantId;
  scopes: Scope[];
}

// Compared against when the key id is unknown, so a miss costs the same hashing as a hit.
const UNKNOWN_KEY_HASH = hashApiKeySecret("");

const refuse = (detail: string) => new DomainError("invalid_token", "invalid api key", { detail });

/**
 * Resolves a plaintext API key to its tenant and scopes, or throws `invalid_token`. The row is read
 * through the system handle because the tenant is not known until the key is found; it is read on
 * every call (no cache), so a revocation takes effect on the next request. Revoked and expired are
 * told apart only to a caller who proved the secret.
 */
export async function authenticateApiKey(
  db: SystemDb,
  token: string,
  now = new Date(),
): Promise<AuthenticatedApiKey> {
  const parsed = parseApiKeyToken(token);
  if (!parsed) throw refuse("ERR_API_KEY_MALFORMED");
  const [row] = await db
    .select({
      id: apiKeys.id,
      tenantId: apiKeys.tenantId,
      secretHash: apiKeys.secretHash,
      scopes: apiKeys.scopes,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.id, parsed.keyId));
  const matches = secretMatchesHash(parsed.secret, row?.secretHash ?? UNKNOWN_KEY_HASH);
  if (!row || !matches) throw refuse("ERR_API_KEY_INVALID");
  if (row.revokedAt) throw refuse("ERR_API_KEY_REVOKED");
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) throw refuse("ERR_API_KEY_EXPIRED");
  return {
    keyId: row.id,
    tenantId: row.tenantId,
    // Defence in depth: creation refuses platform:admin, and nothing else may grant it to a key.
    scopes: row.scopes.filter((s) => isScope(s) && s !== "platform:admin"),
  };
}

/**
 * Stamps `last_used_at`, skipping the write when the stored value is younger than `minIntervalMs`,
 * so several API processes together still write at most about once per interval per key.
 */
export async function recordApiKeyUse(db: SystemDb, keyId: ApiKeyId, minIntervalMs: number): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiKeys.id, keyId),
        or(
          isNull(apiKeys.lastUsedAt),
          lt(apiKeys.lastUsedAt, sql`now() - make_interval(secs => ${minIntervalMs / 1000})`),
        ),
      ),
    );
}
