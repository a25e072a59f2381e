import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlatformaClient, errorDataOf, type PlatformaClient } from "@platforma/client";
import type { TenantId } from "@platforma/contracts";
import { startStack, type TestStack } from "./stack.ts";
import { recordingStarter } from "./recording-starter.ts";

const LIMIT = 10;
const HEADROOM = 5;
const BURST = 200;

describe("quota admission for users and API keys under a burst", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ workflows: recordingStarter(), poolSize: 30 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Recorded usage next to a recount of the rows it stands for. */
  async function usage(tenantId: TenantId) {
    const r = await stack.deps.systemDb.execute<{
      users: number;
      usersUsed: number;
      keys: number;
      keysUsed: number;
      rejections: number;
    }>(sql`
      select (select count(*)::int from users where tenant_id = ${tenantId}) as "users",
             (select used::int from tenant_quotas where tenant_id = ${tenantId} and quota = 'max_users') as "usersUsed",
             (select count(*)::int from api_keys where tenant_id = ${tenantId} and revoked_at is null) as "keys",
             (select used::int from tenant_quotas where tenant_id = ${tenantId} and quota = 'max_api_keys') as "keysUsed",
             (select count(*)::int from outbox where tenant_id = ${tenantId} and type = 'quota.rejected.v1') as "rejections"`);
    return r.rows[0];
  }

  /** One HTTP request per call (no batching), so the admissions race on separate connections. */
  const unbatched = (token: string): PlatformaClient =>
    createPlatformaClient({ url: stack.url, token, batch: false });

  async function burst(calls: (() => Promise<unknown>)[], quota: string) {
    const results = await Promise.allSettled(calls.map((call) => call()));
    const admitted = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(admitted).toHaveLength(HEADROOM);
    expect(rejected).toHaveLength(BURST - HEADROOM);
    for (const r of rejected) {
      const data = errorDataOf(r.reason);
      expect(data).toMatchObject({ reason: "quota_exceeded", httpStatus: 403 });
      expect(data?.violations).toEqual([{ quota, limit: LIMIT, used: LIMIT, requested: 1 }]);
    }
  }

  it(`max_users: admits exactly the headroom of ${BURST} concurrent invites`, async () => {
    const { tenantId, client, token } = await stack.newTenant({ quotas: { max_users: LIMIT } });
    const existing = [];
    for (let i = 0; i < LIMIT - HEADROOM; i++)
      existing.push(await client.users.invite.mutate({ email: `existing-${i}@example.com` }));

    const api = unbatched(token);
    await burst(
      Array.from(
        { length: BURST },
        (_, i) => () => api.users.invite.mutate({ email: `burst-${i}@example.com` }),
      ),
      "max_users",
    );
    expect(await usage(tenantId)).toMatchObject({
      users: LIMIT,
      usersUsed: LIMIT,
      rejections: BURST - HEADROOM,
    });

    // Removing a user gives its quota back: the next invite is admitted, the one after is not.
    await client.users.remove.mutate({ userId: existing[0]!.id });
    expect(await usage(tenantId)).toMatchObject({ users: LIMIT - 1, usersUsed: LIMIT - 1 });
    await client.users.invite.mutate({ email: "after-removal@example.com" });
    const err = await client.users.invite
      .mutate({ email: "one-too-many@example.com" })
      .catch((e: unknown) => e);
    expect(errorDataOf(err)?.reason).toBe("quota_exceeded");
    expect(await usage(tenantId)).toMatchObject({ users: LIMIT, usersUsed: LIMIT });
  });

  it(`max_api_keys: admits exactly the headroom of ${BURST} concurrent creations`, async () => {
    const { tenantId, client, token } = await stack.newTenant({ quotas: { max_api_keys: LIMIT } });
    const existing = [];
    for (let i = 0; i < LIMIT - HEADROOM; i++)
      existing.push(await client.apiKeys.create.mutate({ name: `existing-${i}`, scopes: ["orders:read"] }));

    const api = unbatched(token);
    await burst(
      Array.from(
        { length: BURST },
        (_, i) => () => api.apiKeys.create.mutate({ name: `burst-${i}`, scopes: ["orders:read"] }),
      ),
      "max_api_keys",
    );
    expect(await usage(tenantId)).toMatchObject({
      keys: LIMIT,
      keysUsed: LIMIT,
      rejections: BURST - HEADROOM,
    });

    // Revoking gives the quota back exactly once, however many revocations race.
    const keyId = existing[0]!.apiKey.id;
    const revocations = await Promise.all(
      Array.from({ length: 20 }, () => api.apiKeys.revoke.mutate({ keyId })),
    );
    expect(new Set(revocations.map((r) => r.status))).toEqual(new Set(["revoked"]));
    expect(await usage(tenantId)).toMatchObject({ keys: LIMIT - 1, keysUsed: LIMIT - 1 });
    await client.apiKeys.create.mutate({ name: "after-revocation", scopes: ["orders:read"] });
    const err = await client.apiKeys.create
      .mutate({ name: "one-too-many", scopes: ["orders:read"] })
      .catch((e: unknown) => e);
    expect(errorDataOf(err)?.reason).toBe("quota_exceeded");
    expect(await usage(tenantId)).toMatchObject({ keys: LIMIT, keysUsed: LIMIT });
  });

  it("expired keys keep counting until they are revoked", async () => {
    const { tenantId, client } = await stack.newTenant({ quotas: { max_api_keys: 1 } });
    const { apiKey } = await client.apiKeys.create.mutate({
      name: "soon",
      scopes: ["orders:read"],
      expiresAt: new Date(Date.now() + 1000).toISOString(),
    });
    await new Promise((r) => setTimeout(r, 1100));
    const err = await client.apiKeys.create
      .mutate({ name: "next", scopes: ["orders:read"] })
      .catch((e: unknown) => e);
    expect(errorDataOf(err)?.reason).toBe("quota_exceeded");
    await client.apiKeys.revoke.mutate({ keyId: apiKey.id });
    await expect(
      client.apiKeys.create.mutate({ name: "next", scopes: ["orders:read"] }),
    ).resolves.toBeTruthy();
    expect(await usage(tenantId)).toMatchObject({ keys: 1, keysUsed: 1 });
  });
});
