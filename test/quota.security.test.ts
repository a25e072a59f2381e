import { desc, eq, sql } from "drizzle-orm";
import { outbox } from "@platforma/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlatformaClient, errorDataOf } from "@platforma/client";
import type { TenantId } from "@platforma/contracts";
import { startStack, type TestStack } from "./stack.ts";
import { recordingStarter } from "./recording-starter.ts";

describe("quota admission (max_clusters)", () => {
  let stack: TestStack;
  const starter = recordingStarter();
  beforeAll(async () => {
    stack = await startStack({ workflows: starter, poolSize: 30 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function counts(tenantId: TenantId) {
    const r = await stack.deps.systemDb.execute<{
      clusters: number;
      orders: number;
      events: number;
      used: number;
    }>(sql`
      select (select count(*)::int from clusters where tenant_id = ${tenantId}) as clusters,
             (select count(*)::int from orders where tenant_id = ${tenantId}) as orders,
             (select count(*)::int from outbox where tenant_id = ${tenantId}) as events,
             (select used::int from tenant_quotas where tenant_id = ${tenantId} and quota = 'max_clusters') as used`);
    return r.rows[0];
  }

  it("admits exactly the headroom under a concurrent burst, and rejects the rest with the violation", async () => {
    const { tenantId, token } = await stack.newTenant({ quotas: { max_clusters: 10 } });
    // One HTTP request per call (no batching), so the 40 admissions race on separate connections.
    const client = createPlatformaClient({ url: stack.url, token, batch: false });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        client.clusters.create.mutate({ name: `c-${i}`, region: "eu-central-1" }),
      ),
    );
    const admitted = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(admitted).toHaveLength(10);
    expect(rejected).toHaveLength(30);
    for (const r of rejected) {
      expect(errorDataOf(r.reason)).toMatchObject({
        reason: "quota_exceeded",
        httpStatus: 403,
        violations: [{ quota: "max_clusters", limit: 10, used: 10, requested: 1 }],
      });
    }
    // 1 tenant.created + 2 events per admitted order + 1 quota.rejected per refusal; refused
    // requests wrote nothing else.
    expect(await counts(tenantId)).toEqual({ clusters: 10, orders: 10, events: 51, used: 10 });
    expect(starter.started.filter((s) => s.input.tenantId === tenantId)).toHaveLength(10);
  });

  it("rejects the 11th cluster and writes nothing for it", async () => {
    const { tenantId, client } = await stack.newTenant({ quotas: { max_clusters: 10 } });
    for (let i = 0; i < 10; i++)
      await client.clusters.create.mutate({ name: `c-${i}`, region: "eu-central-1" });
    const before = await counts(tenantId);
    const err = await client.clusters.create
      .mutate({ name: "c-10", region: "eu-central-1" })
      .catch((e: unknown) => e);
    expect(errorDataOf(err)).toMatchObject({
      reason: "quota_exceeded",
      violations: [{ quota: "max_clusters", limit: 10, used: 10, requested: 1 }],
    });
    expect(await counts(tenantId)).toEqual({ ...before, events: (before?.events ?? 0) + 1 });
    const [last] = await stack.deps.systemDb
      .select()
      .from(outbox)
      .where(eq(outbox.tenantId, tenantId))
      .orderBy(desc(outbox.seq))
      .limit(1);
    expect(last).toMatchObject({
      type: "quota.rejected.v1",
      data: {
        operation: "cluster.create",
        violations: [{ quota: "max_clusters", limit: 10, used: 10, requested: 1 }],
      },
    });
  });

  it("keeps tenants' quotas independent", async () => {
    const a = await stack.newTenant({ quotas: { max_clusters: 1 } });
    const b = await stack.newTenant({ quotas: { max_clusters: 1 } });
    await a.client.clusters.create.mutate({ name: "only", region: "eu-central-1" });
    await expect(
      b.client.clusters.create.mutate({ name: "only", region: "eu-central-1" }),
    ).resolves.toBeTruthy();
  });

  it("a limit of zero admits nothing", async () => {
    const { client } = await stack.newTenant({ quotas: { max_clusters: 0 } });
    const err = await client.clusters.create
      .mutate({ name: "x", region: "eu-central-1" })
      .catch((e: unknown) => e);
    expect(errorDataOf(err)?.violations).toEqual([
      { quota: "max_clusters", limit: 0, used: 0, requested: 1 },
    ]);
  });
});
