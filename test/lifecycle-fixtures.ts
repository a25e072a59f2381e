import { eq, sql } from "drizzle-orm";
import type { PlatformaClient } from "@platforma/client";
import type { TenantId } from "@platforma/contracts";
import { outbox, tableName, tenantTables, type SystemDb } from "@platforma/db";
import type { TestStack } from "./stack.ts";
import { eventually } from "./eventually.ts";

/** The tenant's rows per tenant table (system handle). */
export async function rowCounts(db: SystemDb, tenantId: TenantId): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tenantTables) {
    const r = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from ${table} where tenant_id = ${tenantId}`,
    );
    out[tableName(table)] = r.rows[0]?.n ?? 0;
  }
  return out;
}

/** Event types in the tenant's outbox, oldest first. */
export async function eventTypes(db: SystemDb, tenantId: TenantId): Promise<string[]> {
  const rows = await db
    .select({ type: outbox.type })
    .from(outbox)
    .where(eq(outbox.tenantId, tenantId))
    .orderBy(outbox.seq);
  return rows.map((r) => r.type);
}

/** Waits until the tenant's lifecycle workflow has no transition in progress. */
export async function lifecycleIdle(stack: TestStack, tenantId: TenantId, timeoutMs = 60_000) {
  return eventually(
    async () => {
      const t = await stack.operator.tenants.get.query({ tenantId });
      if (t.transition) throw new Error(`transition ${t.transition.transition} at ${t.transition.step}`);
      return t;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** A ready cluster with a ready instance and storage pool, through the real order workflows. */
export async function provisionedTenantCompute(client: PlatformaClient) {
  const { cluster } = await client.clusters.create.mutate({ name: "prod", region: "eu-central-1" });
  await eventually(async () => {
    if ((await client.clusters.get.query({ clusterId: cluster.id })).state !== "ready")
      throw new Error("not ready");
  });
  const { order: i } = await client.instances.create.mutate({
    clusterId: cluster.id,
    name: "api",
    cpuCores: 4,
    memoryGb: 16,
  });
  const { order: s } = await client.storage.create.mutate({
    clusterId: cluster.id,
    name: "data",
    backend: "ceph",
    sizeTb: 3,
  });
  for (const orderId of [i.id, s.id]) {
    await eventually(async () => {
      const o = await client.orders.get.query({ orderId });
      if (o.state !== "completed") throw new Error(`order is ${o.state}`);
    });
  }
  return cluster.id;
}
