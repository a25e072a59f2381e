import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";

export interface DevKeys {
  privateJwk: JWK;
  jwksPath: string;
}

const PRIVATE_KEY_FILE = "dev-signing-key.jwk.json";
const JWKS_FILE = "dev-jwks.json";

const isMissing = (err: unknown) => (err as { code?: unknown } | null)?.code === "ENOENT";

/**
 * The local key set, or null when it has not been made yet. Any other failure (a key set this
 * user may not read) is thrown: a key set that exists is never replaced behind the API's back.
 */
export async function readDevKeys(dir: string): Promise<DevKeys | null> {
  const jwksPath = join(dir, JWKS_FILE);
  try {
    const privateJwk = JSON.parse(await readFile(join(dir, PRIVATE_KEY_FILE), "utf8")) as JWK;
    await readFile(jwksPath);
    return { privateJwk, jwksPath };
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

/**
 * A local Ed25519 signing key for the local stack only: the API trusts its public half through
 * AUTH_JWKS_FILE and the token command signs with the private half. Created on first use.
 */
export async function ensureDevKeys(dir: string): Promise<DevKeys> {
  const existing = await readDevKeys(dir);
  if (existing) return existing;
  await mkdir(dir, { recursive: true });
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const kid = `dev-${Date.now().toString(36)}`;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: "EdDSA", use: "sig" };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" };
  await writeFile(join(dir, PRIVATE_KEY_FILE), JSON.stringify(privateJwk, null, 2), { mode: 0o600 });
  const jwksPath = join(dir, JWKS_FILE);
  await writeFile(jwksPath, JSON.stringify({ keys: [publicJwk] }, null, 2));
  return { privateJwk, jwksPath };
}
