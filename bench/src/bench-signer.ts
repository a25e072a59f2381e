import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { TENANT_ADMIN_SCOPES, type TenantId } from "@platforma/contracts";

export const BENCH_ISSUER = "https://auth.bench.platforma";
export const BENCH_AUDIENCE = "platforma-api-bench";

export interface BenchSigner {
  jwks: { keys: JWK[] };
  /** A tenant admin access token, as an identity provider would issue it. */
  tenantToken(tenantId: TenantId, ttlSec: number): Promise<string>;
}

/** An Ed25519 key pair for one run, standing in for the identity provider. */
export async function createBenchSigner(): Promise<BenchSigner> {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const kid = `bench-${globalThis.crypto.randomUUID()}`;
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" };
  return {
    jwks: { keys: [publicJwk] },
    tenantToken: (tenantId, ttlSec) =>
      new SignJWT({
        sub: "usr_bench",
        tenant_id: tenantId,
        roles: ["admin"],
        scope: TENANT_ADMIN_SCOPES.join(" "),
      })
        .setProtectedHeader({ alg: "EdDSA", kid, typ: "at+jwt" })
        .setIssuer(BENCH_ISSUER)
        .setAudience(BENCH_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${Math.ceil(ttlSec)}s`)
        .sign(privateKey),
  };
}
