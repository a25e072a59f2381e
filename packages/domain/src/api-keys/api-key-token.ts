import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { isId, type ApiKeyId } from "@platforma/contracts";

/**
 * Plaintext API keys: `pfa_<20-char body of the key id>_<43-char base64url secret>`. The id part
 * locates the row without a scan; the secret is 256 random bits, of which only the SHA-256 is
 * stored (a fast hash suffices for a secret that cannot be guessed, unlike a password).
 */
export const API_KEY_TOKEN_PREFIX = "pfa_";
const TOKEN_PATTERN = /^pfa_([0-9a-z]{20})_([A-Za-z0-9_-]{43})$/;

export function hashApiKeySecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** A new plaintext key for `id`, and the hash to store. The plaintext is never stored. */
export function mintApiKeyToken(id: ApiKeyId): { token: string; secretHash: string } {
  const secret = randomBytes(32).toString("base64url");
  const body = id.slice(id.indexOf("_") + 1);
  return { token: `${API_KEY_TOKEN_PREFIX}${body}_${secret}`, secretHash: hashApiKeySecret(secret) };
}

/** The key id and secret of a well-formed plaintext key, or null. */
export function parseApiKeyToken(token: string): { keyId: ApiKeyId; secret: string } | null {
  const match = TOKEN_PATTERN.exec(token);
  if (!match?.[1] || !match[2]) return null;
  const keyId = `key_${match[1]}`;
  return isId("apiKey", keyId) ? { keyId, secret: match[2] } : null;
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatchesHash(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKeySecret(secret), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
