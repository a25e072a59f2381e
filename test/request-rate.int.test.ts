import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorDataOf } from "@platforma/client";
import type { TenantId } from "@platforma/contracts";
import { createSystemDb, orders, tenantRequestBudgets, type DbHandle, type SystemDb } from "@platforma/db";
import { rawRequest } from "./raw-http.ts";
import { startStack, type ApiReplica, type TestStack } from "./stack.ts";
import { testEnv } from "./env.ts";

/*
 * Per-tenant request rates: a token bucket per tenant in Postgres, so every API process draws from
 * the same budget. A rate of 0.001 per second refills nothing during a test: a burst of N admits
 * exactly N requests, whichever process answers them.
 */

let stack: TestStack;
let replica: ApiReplica;
let system: DbHandle<SystemDb>;

beforeAll(async () => {
  stack = await startStack({ worker: true });
  replica = await stack.replica(0);
  system = createSystemDb({ url: testEnv.systemDatabaseUrl, max: 2 });
});
afterAll(async () => {
  try {
    await stack?.expectInvariants();
  } finally {
    await replica?.close();
    await stack?.close();
    await system?.close();
  }
});

const clusterCreate = (name: string) => JSON.stringify({ name, region: "eu-central-1" });

async function ordersOf(tenantId: TenantId): Promise<number> {
  return (await system.db.select({ id: orders.id }).from(orders).where(eq(orders.tenantId, tenantId))).length;
}

describe("per-tenant request rates", () => {
  it("answers 429 rate_limited with Retry-After and the limit past the burst, writing nothing", async () => {
    const { tenantId, token } = await stack.newTenant();
    await stack.operator.tenants.updateRequestRate.mutate({ tenantId, perSecond: 0.001, burst: 3 });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        rawRequest(stack.url, {
          method: "POST",
          path: "/trpc/clusters.create",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: clusterCreate(`burst-${i}`),
        }),
      ),
    );
    const ok = answers.filter((a) => a.status === 200);
    const limited = answers.filter((a) => a.status === 429);
    expect(ok).toHaveLength(3);
    expect(limited).toHaveLength(5);
    for (const answer of limited) {
      const data = (JSON.parse(answer.body) as { error: { data: Record<string, unknown> } }).error.data;
      expect(data).toMatchObject({
        reason: "rate_limited",
        httpStatus: 429,
        limit: { requestsPerSecond: 0.001, burst: 3 },
      });
      expect(Number(answer.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    }
    // Refused before any work: only the admitted requests placed orders or took quota.
    expect(await ordersOf(tenantId)).toBe(3);
    const usage = await stack.operator.tenants.get.query({ tenantId });
    expect(usage.usage.find((u) => u.quota === "max_clusters")?.used).toBe(3);
  });

  it("shares one budget across API processes, and limits no other tenant", async () => {
    const limited = await stack.newTenant();
    const other = await stack.newTenant();
    await stack.operator.tenants.updateRequestRate.mutate({
      tenantId: limited.tenantId,
      perSecond: 0.001,
      burst: 4,
    });
    const viaA = stack.clientFor(limited.token);
    const viaB = replica.clientFor(limited.token);
    const calls = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? viaA : viaB).clusters.list.query({}));
    const results = await Promise.allSettled(calls);
    const refused = results.filter((r) => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(4);
    for (const r of refused) expect(errorDataOf(r.reason)).toMatchObject({ reason: "rate_limited" });

    const untouched = await Promise.all(
      Array.from({ length: 10 }, () => replica.clientFor(other.token).clusters.list.query({})),
    );
    expect(untouched).toHaveLength(10);
  });

  it("goes back to the API's default when the operator clears the tenant's rate", async () => {
    const { tenantId, client } = await stack.newTenant();
    const set = await stack.operator.tenants.updateRequestRate.mutate({
      tenantId,
      perSecond: 0.001,
      burst: 1,
    });
    expect(set.requestRate).toEqual({ perSecond: 0.001, burst: 1 });
    await client.clusters.list.query({});
    await expect(client.clusters.list.query({})).rejects.toSatisfy(
      (err) => errorDataOf(err)?.reason === "rate_limited",
    );
    const cleared = await stack.operator.tenants.updateRequestRate.mutate({
      tenantId,
      perSecond: null,
      burst: null,
    });
    expect(cleared.requestRate).toEqual({ perSecond: null, burst: null });
    for (let i = 0; i < 5; i++) await client.clusters.list.query({});
  });

  it("tells a suspended tenant it is suspended, not that it is rate-limited", async () => {
    const { tenantId, client } = await stack.newTenant();
    await client.clusters.list.query({});
    const [bucket] = await system.db
      .select()
      .from(tenantRequestBudgets)
      .where(eq(tenantRequestBudgets.tenantId, tenantId));
    expect(bucket?.tokens).toBeGreaterThan(0);
    await stack.operator.tenants.updateRequestRate.mutate({ tenantId, perSecond: 0.001, burst: 1 });
    await stack.operator.tenants.suspend.mutate({ tenantId, reason: "rate check" });
    await expect(client.clusters.list.query({})).rejects.toSatisfy(
      (err) => errorDataOf(err)?.reason === "tenant_suspended",
    );
  });

  it("refuses a rate of zero, a burst below one and an empty change as invalid input", async () => {
    const { tenantId } = await stack.newTenant();
    for (const input of [{ perSecond: 0 }, { burst: 0 }, {}, { perSecond: -1, burst: 2 }]) {
      const err = await stack.operator.tenants.updateRequestRate
        .mutate({ tenantId, ...input })
        .catch((e: unknown) => e);
      expect(errorDataOf(err), JSON.stringify(input)).toMatchObject({ reason: "invalid_input" });
    }
  });
});
