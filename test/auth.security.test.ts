import { KeyObject, sign } from "node:crypto";
import { base64url, exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { errorDataOf } from "@platforma/client";
import { tenants } from "@platforma/db";
import type { TenantId } from "@platforma/contracts";
import { startStack, type TestStack } from "./stack.ts";
import { TEST_AUDIENCE, TEST_ISSUER } from "./tokens.ts";
import { recordingStarter } from "./recording-starter.ts";

const now = () => Math.floor(Date.now() / 1000);

describe("credential verification", () => {
  let stack: TestStack;
  let tenantId: TenantId;
  beforeAll(async () => {
    stack = await startStack({ workflows: recordingStarter() });
    ({ tenantId } = await stack.newTenant());
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function reasonFor(token: string | null) {
    const res = await fetch(`${stack.url}/trpc/clusters.list`, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { error?: { data?: { reason?: string } } };
    return { status: res.status, reason: body.error?.data?.reason };
  }

  const claims = () => ({ sub: "usr_attacker", tenant_id: tenantId, scope: "infrastructure:read" });

  const forgeries: [string, () => Promise<string | null>][] = [
    ["no credential", async () => null],
    ["not a JWT", async () => "not-a-token"],
    [
      "unsigned (alg none)",
      async () => {
        const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
        const payload = base64url.encode(
          JSON.stringify({ ...claims(), iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: now() + 600 }),
        );
        return `${header}.${payload}.`;
      },
    ],
    [
      "HS256 with the public key as secret (key confusion)",
      async () => {
        const secret = new TextEncoder().encode(JSON.stringify(stack.signer.publicJwk));
        return new SignJWT({ ...claims(), iss: TEST_ISSUER, aud: TEST_AUDIENCE })
          .setProtectedHeader({ alg: "HS256", kid: stack.signer.kid })
          .setExpirationTime("10m")
          .sign(secret);
      },
    ],
    [
      "signed by another key under the trusted kid",
      async () => {
        const other = await generateKeyPair("EdDSA", { crv: "Ed25519" });
        return new SignJWT({ ...claims(), iss: TEST_ISSUER, aud: TEST_AUDIENCE })
          .setProtectedHeader({ alg: "EdDSA", kid: stack.signer.kid })
          .setExpirationTime("10m")
          .sign(other.privateKey);
      },
    ],
    [
      "unknown kid",
      async () => {
        const other = await generateKeyPair("ES256");
        return new SignJWT({ ...claims(), iss: TEST_ISSUER, aud: TEST_AUDIENCE })
          .setProtectedHeader({ alg: "ES256", kid: "someone-else" })
          .setExpirationTime("10m")
          .sign(other.privateKey);
      },
    ],
    ["expired", async () => stack.signer.sign({ ...claims(), exp: now() - 3600 })],
    ["not yet valid", async () => stack.signer.sign({ ...claims(), nbf: now() + 3600 })],
    ["wrong issuer", async () => stack.signer.sign({ ...claims(), iss: "https://evil.example" })],
    ["wrong audience", async () => stack.signer.sign({ ...claims(), aud: "some-other-api" })],
    [
      "no expiry",
      async () => {
        return new SignJWT({ ...claims(), iss: TEST_ISSUER, aud: TEST_AUDIENCE })
          .setProtectedHeader({ alg: "EdDSA", kid: stack.signer.kid })
          .sign(stack.signer.privateKey);
      },
    ],
    [
      "tampered claims (tenant swapped after signing)",
      async () => {
        const token = await stack.signer.sign(claims());
        const [h, , s] = token.split(".");
        const forged = base64url.encode(
          JSON.stringify({
            ...claims(),
            tenant_id: "ten_aaaaaaaaaaaaaaaaaaaa",
            iss: TEST_ISSUER,
            aud: TEST_AUDIENCE,
            exp: now() + 600,
          }),
        );
        return `${h}.${forged}.${s}`;
      },
    ],
    [
      "unknown critical header",
      async () => {
        // jose refuses to sign this, so the token is assembled and signed by hand.
        const header = base64url.encode(
          JSON.stringify({
            alg: "EdDSA",
            kid: stack.signer.kid,
            crit: ["x-platforma-unknown"],
            "x-platforma-unknown": 1,
          }),
        );
        const payload = base64url.encode(
          JSON.stringify({ ...claims(), iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: now() + 600 }),
        );
        const signature = sign(
          null,
          Buffer.from(`${header}.${payload}`),
          KeyObject.from(stack.signer.privateKey),
        );
        return `${header}.${payload}.${base64url.encode(signature)}`;
      },
    ],
    [
      "malformed tenant claim",
      async () => stack.signer.sign({ ...claims(), tenant_id: "tenant-1; drop table" }),
    ],
    ["roles claim not an array", async () => stack.signer.sign({ ...claims(), roles: "admin" })],
    [
      "an ID token (typ JWT), same issuer and audience",
      async () => stack.signer.sign(claims(), { typ: "JWT" }),
    ],
    ["no typ header", async () => stack.signer.sign(claims(), { typ: undefined })],
    [
      "a tenant-bound token carrying platform:admin",
      async () => stack.signer.sign({ ...claims(), scope: "platform:admin infrastructure:read" }),
    ],
    ["a subject with a NUL", async () => stack.signer.sign({ ...claims(), sub: "usr_a\u0000b" })],
    ["a subject with a lone surrogate", async () => stack.signer.sign({ ...claims(), sub: "usr_a\ud800" })],
    ["a role with a NUL", async () => stack.signer.sign({ ...claims(), roles: ["admin\u0000"] })],
    [
      "valid signature, tenant that does not exist",
      async () => stack.signer.sign({ ...claims(), tenant_id: "ten_0000000000000000000z" }),
    ],
  ];

  it.each(forgeries)("refuses %s with invalid_token (401)", async (_name, make) => {
    expect(await reasonFor(await make())).toEqual({ status: 401, reason: "invalid_token" });
  });

  it("accepts the genuine token (the catalogue above is not failing for another reason)", async () => {
    expect(await reasonFor(await stack.signer.sign(claims()))).toEqual({ status: 200, reason: undefined });
  });

  it("accepts scopes given as an array claim", async () => {
    const token = await stack.signer.sign({
      sub: "usr_x",
      tenant_id: tenantId,
      scopes: ["infrastructure:read"],
    });
    expect(await reasonFor(token)).toEqual({ status: 200, reason: undefined });
  });

  it("answers missing_scope (403) when a scope is missing", async () => {
    const token = await stack.signer.tenantToken(tenantId, { scopes: ["orders:read"] });
    const err = await stack
      .clientFor(token)
      .clusters.create.mutate({ name: "a", region: "eu-central-1" })
      .catch((e: unknown) => e);
    expect(errorDataOf(err)).toMatchObject({
      reason: "missing_scope",
      httpStatus: 403,
      missing: ["orders:write", "infrastructure:manage"],
    });
    expect(await reasonFor(token)).toEqual({ status: 403, reason: "missing_scope" });
  });

  it("refuses operator procedures to tenant credentials, even with every tenant scope", async () => {
    const token = await stack.signer.tenantToken(tenantId);
    const err = await stack
      .clientFor(token)
      .tenants.list.query()
      .catch((e: unknown) => e);
    expect(errorDataOf(err)).toMatchObject({ reason: "missing_scope", httpStatus: 403 });
  });

  it("refuses tenant procedures to a credential without a tenant", async () => {
    const err = await stack.operator.clusters.list.query().catch((e: unknown) => e);
    expect(errorDataOf(err)).toMatchObject({ reason: "invalid_token", httpStatus: 401 });
  });

  it("refuses a tenant that is not active", async () => {
    const { tenantId: suspended, client } = await stack.newTenant();
    await stack.deps.systemDb.update(tenants).set({ state: "suspended" }).where(eq(tenants.id, suspended));
    const err = await client.clusters.list.query().catch((e: unknown) => e);
    expect(errorDataOf(err)).toMatchObject({ reason: "tenant_suspended", httpStatus: 403 });
    await stack.deps.systemDb.update(tenants).set({ state: "archived" }).where(eq(tenants.id, suspended));
    const err2 = await client.clusters.list.query().catch((e: unknown) => e);
    expect(errorDataOf(err2)).toMatchObject({ reason: "tenant_archived", httpStatus: 403 });
  });

  it("keeps the key set trusted by the verifier to public keys only", async () => {
    const jwk = await exportJWK(
      (await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })).publicKey,
    );
    expect(Object.keys(stack.signer.publicJwk)).not.toContain("d");
    expect(jwk).not.toHaveProperty("d");
  });
});
