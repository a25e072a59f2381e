import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorDataOf, type PlatformaClient } from "@platforma/client";
import { QUOTA_RECONCILE_SCHEDULE_ID, WORKFLOW_NAMES, type TenantId } from "@platforma/contracts";
import { outbox, tenantQuotas } from "@platforma/db";
import { ensureQuotaReconcileSchedule } from "@platforma/worker-app/schedules";
import { readyCluster } from "./cluster-fixtures.ts";
import { eventually } from "./eventually.ts";
import { startStack, type TestStack } from "./stack.ts";

async function until(client: PlatformaClient, orderId: string, state: string) {
  return eventually(async () => {
    const o = await client.orders.get.query({ orderId: orderId as never });
    if (o.state !== state) throw new Error(`order is ${o.state}, waiting for ${state}`);
    return o;
  });
}

async function usage(client: PlatformaClient) {
  const { quotas } = await client.quotas.get.query();
  return Object.fromEntries(quotas.map((q) => [q.quota, q.used]));
}

describe("instances and storage pools through orders and workflows", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ worker: true });
  });
  afterAll(async () => {
    try {
      await stack?.expectInvariants();
    } finally {
      await stack?.close();
    }
  });

  it("provisions an instance, counts it, deletes it and gives its quota back", async () => {
    const { client } = await stack.newTenant();
    const clusterId = await readyCluster(stack, client);
    const { instance, order } = await client.instances.create.mutate({
      clusterId,
      name: "api-1",
      cpuCores: 8,
      memoryGb: 32,
    });
    expect(instance.state).toBe("provisioning");
    expect(await usage(client)).toMatchObject({ max_instances: 1, max_cpu_cores: 8, max_memory_gb: 32 });
    await until(client, order.id, "completed");
    expect((await client.instances.get.query({ instanceId: instance.id })).state).toBe("ready");
    expect((await client.instances.list.query({ clusterId })).items.map((i) => i.id)).toEqual([instance.id]);

    const first = await client.instances.delete.mutate({ instanceId: instance.id });
    const again = await client.instances.delete.mutate({ instanceId: instance.id });
    expect(again.order?.id).toBe(first.order?.id);
    await until(client, first.order?.id ?? "", "completed");
    expect(await usage(client)).toMatchObject({ max_instances: 0, max_cpu_cores: 0, max_memory_gb: 0 });
    const gone = await client.instances.get.query({ instanceId: instance.id }).catch((e: unknown) => e);
    expect(errorDataOf(gone)?.reason).toBe("not_found");
  });

  it("provisions and deletes a storage pool against max_storage_tb", async () => {
    const { client } = await stack.newTenant();
    const clusterId = await readyCluster(stack, client);
    const { storagePool, order } = await client.storage.create.mutate({
      clusterId,
      name: "data",
      backend: "ceph",
      sizeTb: 12,
    });
    await until(client, order.id, "completed");
    expect(await usage(client)).toMatchObject({ max_storage_tb: 12 });
    const { order: del } = await client.storage.delete.mutate({ storagePoolId: storagePool.id });
    await until(client, del?.id ?? "", "completed");
    expect(await usage(client)).toMatchObject({ max_storage_tb: 0 });
    expect((await client.storage.list.query()).items).toEqual([]);
  });

  it("refuses instances on a cluster that is not ready, or not the tenant's", async () => {
    const a = await stack.newTenant();
    const b = await stack.newTenant();
    const clusterId = await readyCluster(stack, a.client);
    const foreign = await b.client.instances.create
      .mutate({ clusterId, name: "x", cpuCores: 1, memoryGb: 1 })
      .catch((e: unknown) => e);
    expect(errorDataOf(foreign)?.reason).toBe("not_found");
    expect(await usage(b.client)).toMatchObject({ max_instances: 0, max_cpu_cores: 0 });
  });

  it("answers quotas.check like admission would, without reserving anything", async () => {
    const { client } = await stack.newTenant({ quotas: { max_cpu_cores: 10 } });
    const fits = await client.quotas.check.query({ request: { max_instances: 1, max_cpu_cores: 10 } });
    expect(fits).toEqual({ fits: true, violations: [] });
    const over = await client.quotas.check.query({ request: { max_cpu_cores: 11, max_memory_gb: 9000 } });
    expect(over.fits).toBe(false);
    expect(over.violations).toEqual([
      { quota: "max_cpu_cores", limit: 10, used: 0, requested: 11 },
      { quota: "max_memory_gb", limit: 8000, used: 0, requested: 9000 },
    ]);
    expect(await usage(client)).toMatchObject({ max_cpu_cores: 0, max_memory_gb: 0 });
  });

  it("lets operators lower a limit below usage: new admissions stop, nothing existing changes", async () => {
    const { tenantId, client } = await stack.newTenant();
    const clusterId = await readyCluster(stack, client);
    const { order } = await client.instances.create.mutate({
      clusterId,
      name: "keep",
      cpuCores: 4,
      memoryGb: 4,
    });
    await until(client, order.id, "completed");
    const updated = await stack.operator.tenants.updateQuotas.mutate({
      tenantId,
      quotas: { max_cpu_cores: 2 },
    });
    expect(updated.limits.max_cpu_cores).toBe(2);
    const refused = await client.instances.create
      .mutate({ clusterId, name: "more", cpuCores: 1, memoryGb: 1 })
      .catch((e: unknown) => e);
    expect(errorDataOf(refused)).toMatchObject({
      reason: "quota_exceeded",
      violations: [{ quota: "max_cpu_cores", limit: 2, used: 4, requested: 1 }],
    });
    expect((await client.instances.list.query()).items.map((i) => i.state)).toEqual(["ready"]);
    const { quotas } = await client.quotas.get.query();
    expect(quotas.find((q) => q.quota === "max_cpu_cores")).toEqual({
      quota: "max_cpu_cores",
      limit: 2,
      used: 4,
      headroom: 0,
    });
    const events = await stack.deps.systemDb.select().from(outbox).where(eq(outbox.tenantId, tenantId));
    expect(events.find((e) => e.type === "quota.limits_updated.v1")?.data).toMatchObject({
      limits: { max_cpu_cores: 2 },
      previous: { max_cpu_cores: 2000 },
    });
  });

  it("gives the quota back when provisioning fails", async () => {
    const failing = await startStack({
      worker: true,
      provider: { failures: { provisionResource: "capacity" } },
    });
    try {
      const { client } = await failing.newTenant();
      const clusterId = await readyCluster(failing, client);
      const { instance, order } = await client.instances.create.mutate({
        clusterId,
        name: "doomed",
        cpuCores: 16,
        memoryGb: 64,
      });
      const failed = await until(client, order.id, "failed");
      expect(failed.error?.reason).toBe("capacity_unavailable");
      expect((await client.instances.get.query({ instanceId: instance.id })).state).toBe("failed");
      expect(await usage(client)).toMatchObject({
        max_instances: 0,
        max_cpu_cores: 0,
        max_memory_gb: 0,
        max_clusters: 1,
      });
      // A failed instance holds nothing, so deleting it needs no order.
      expect(await client.instances.delete.mutate({ instanceId: instance.id })).toEqual({ order: null });
    } finally {
      await failing.close();
    }
  });

  it("repairs drifted usage with the reconciler workflow and reports each correction", async () => {
    const { tenantId, client } = await stack.newTenant();
    const clusterId = await readyCluster(stack, client);
    const { order } = await client.instances.create.mutate({
      clusterId,
      name: "i",
      cpuCores: 2,
      memoryGb: 8,
    });
    await until(client, order.id, "completed");
    await drift(stack, tenantId, { max_cpu_cores: 99, max_users: 7 });

    const result = await stack.temporal!.workflow.execute(WORKFLOW_NAMES.reconcileQuotas, {
      taskQueue: stack.taskQueue,
      workflowId: `test-reconcile-${tenantId}`,
      args: [],
    });
    expect(result.corrections).toBeGreaterThanOrEqual(2);
    expect(await usage(client)).toMatchObject({
      max_clusters: 1,
      max_instances: 1,
      max_cpu_cores: 2,
      max_memory_gb: 8,
      max_users: 0,
    });
    const corrections = (await stack.deps.systemDb.select().from(outbox).where(eq(outbox.tenantId, tenantId)))
      .filter((e) => e.type === "quota.usage_corrected.v1")
      .map((e) => e.data);
    expect(corrections).toEqual(
      expect.arrayContaining([
        { quota: "max_cpu_cores", recorded: 99, actual: 2 },
        { quota: "max_users", recorded: 7, actual: 0 },
      ]),
    );
  });

  it("creates the reconciler schedule idempotently", async () => {
    const scheduleId = `${QUOTA_RECONCILE_SCHEDULE_ID}-test-${globalThis.crypto.randomUUID()}`;
    const client = stack.temporal!;
    await ensureQuotaReconcileSchedule(client, {
      taskQueue: stack.taskQueue,
      intervalSeconds: 3600,
      scheduleId,
    });
    await ensureQuotaReconcileSchedule(client, {
      taskQueue: stack.taskQueue,
      intervalSeconds: 600,
      scheduleId,
    });
    const handle = client.schedule.getHandle(scheduleId);
    try {
      const described = await handle.describe();
      expect(described.action).toMatchObject({
        workflowType: WORKFLOW_NAMES.reconcileQuotas,
        taskQueue: stack.taskQueue,
      });
      expect(described.spec.intervals?.[0]?.every).toBe(600_000);
    } finally {
      await handle.delete();
    }
  });
});

async function drift(stack: TestStack, tenantId: TenantId, values: Record<string, number>) {
  for (const [quota, used] of Object.entries(values)) {
    await stack.deps.systemDb
      .update(tenantQuotas)
      .set({ used })
      .where(sql`${tenantQuotas.tenantId} = ${tenantId} and ${tenantQuotas.quota} = ${quota}`);
  }
}
