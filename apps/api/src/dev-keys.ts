import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";

export interface DevKeys {
  privateJwk: JWK;
  jwksPath: string;
}

/**
 * A local Ed25519 signing key for the local stack only: the API trusts its public half through
 * AUTH_JWKS_FILE and the token CLI signs with the private half. Created on first use.
 */
export async function ensureDevKeys(dir: string): Promise<DevKeys> {
  const privatePath = join(dir, "dev-signing-key.jwk.json");
  const jwksPath = join(dir, "dev-jwks.json");
  try {
    const privateJwk = JSON.parse(await readFile(privatePath, "utf8")) as JWK;
    await readFile(jwksPath);
    return { privateJwk, jwksPath };
  } catch {
    await mkdir(dir, { recursive: true });
    const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    const kid = `dev-${Date.now().toString(36)}`;
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: "EdDSA", use: "sig" };
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" };
    await writeFile(privatePath, JSON.stringify(privateJwk, null, 2), { mode: 0o600 });
    await writeFile(jwksPath, JSON.stringify({ keys: [publicJwk] }, null, 2));
    return { privateJwk, jwksPath };
  }
}
