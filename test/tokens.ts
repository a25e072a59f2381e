import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";
import { SCOPES, TENANT_ADMIN_SCOPES, type Scope, type TenantId } from "@platforma/contracts";

export const TEST_ISSUER = "https://auth.test.platforma";
export const TEST_AUDIENCE = "platforma-api-test";

export interface TestSigner {
  jwks: { keys: JWK[] };
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
  /** Signs arbitrary claims with the trusted key (defaults: iss, aud, exp in 10 minutes). */
  sign(claims: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  tenantToken(tenantId: TenantId, opts?: { scopes?: readonly Scope[]; sub?: string }): Promise<string>;
  operatorToken(opts?: { scopes?: readonly Scope[] }): Promise<string>;
}

/** A trusted Ed25519 key pair for one test process, standing in for the identity provider. */
export async function createTestSigner(): Promise<TestSigner> {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const kid = `test-${globalThis.crypto.randomUUID()}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" };
  const sign = (claims: JWTPayload, header: Record<string, unknown> = {}) =>
    new SignJWT({ iss: TEST_ISSUER, aud: TEST_AUDIENCE, ...claims })
      .setProtectedHeader({ alg: "EdDSA", kid, typ: "at+jwt", ...header })
      .setIssuedAt()
      .setExpirationTime(typeof claims.exp === "number" ? claims.exp : "10m")
      .sign(privateKey);
  return {
    jwks: { keys: [publicJwk] },
    privateKey,
    publicJwk,
    kid,
    sign,
    tenantToken: (tenantId, opts = {}) =>
      sign({
        sub: opts.sub ?? "usr_test",
        tenant_id: tenantId,
        roles: ["admin"],
        scope: (opts.scopes ?? TENANT_ADMIN_SCOPES).join(" "),
      }),
    operatorToken: (opts = {}) =>
      sign({ sub: "usr_operator", roles: ["operator"], scope: (opts.scopes ?? SCOPES).join(" ") }),
  };
}
