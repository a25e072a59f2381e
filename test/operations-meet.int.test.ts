import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { errorDataOf, type PlatformaClient } from "@platforma/client";
import type { OrderId, TenantId } from "@platforma/contracts";
import type { SimulatedDriverOptions } from "@platforma/providers";
import { readyCluster } from "./cluster-fixtures.ts";
import { eventually } from "./eventually.ts";
import { regionHoldings, seedTestRegion } from "./inventory-fixtures.ts";
import { lifecycleIdle } from "./lifecycle-fixtures.ts";
import { startStack, type TestStack } from "./stack.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

type Latency = NonNullable<SimulatedDriverOptions["latency"]>;

const dedicated = (sizeTb = 4) => ({
  placement: "dedicated" as const,
  dedicated: {
    nodes: 2,
    network: {
      cidr: "10.40.0.0/16",
      firewallRules: [
        {
          direction: "ingress" as const,
          protocol: "any" as const,
          cidr: "10.0.0.0/8",
          action: "allow" as const,
        },
      ],
    },
    storage: { backend: "ceph" as const, sizeTb },
  },
});

async function orderIn(client: PlatformaClient, orderId: OrderId, states: string[], timeoutMs = 60_000) {
  return eventually(
    async () => {
      const o = await client.orders.get.query({ orderId });
      if (!states.includes(o.state)) throw new Error(`order ${orderId} is ${o.state}`);
      return o;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** Waits until the order's workflow is inside the step named (its `running` mark is committed). */
async function orderAtStep(client: PlatformaClient, orderId: OrderId, step: string) {
  return eventually(
    async () => {
      const o = await client.orders.get.query({ orderId });
      if (!o.steps.some((s) => s.name === step && s.state === "running")) {
        throw new Error(`order ${orderId} not at ${step}: ${JSON.stringify(o.steps)}`);
      }
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
}

describe("the tenant's lifecycle owns its orders", () => {
  let stack: TestStack;
  const latency: Latency = {};
  const tenants: TenantId[] = [];

  beforeAll(async () => {
    // The relay publishes the tenant's events, which the purge waits for.
    stack = await startStack({ worker: true, relay: true, provider: { latency } });
  });
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(() => {
    for (const k of Object.keys(latency)) delete latency[k as keyof Latency];
  });

  async function dedicatedTenant() {
    const region = await seedTestRegion(stack.deps.systemDb, { nodes: 8, vlans: 4, cephTb: [50] });
    const tenant = await stack.newTenant({ allowedRegions: [region], dedicatedEntitled: true });
    tenants.push(tenant.tenantId);
    return { ...tenant, region };
  }

  it("archiving mid-saga cancels the sagas, which give back everything before the release", async () => {
    const { tenantId, client, region } = await dedicatedTenant();
    // Each saga sits in a provider step long enough for the archive to land in the middle of it.
    Object.assign(latency, { allocateNodes: 1500, createVlan: 1500, createCephPool: 1500 });
    const a = await client.clusters.create.mutate({ name: "a", region, ...dedicated() });
    const b = await client.clusters.create.mutate({ name: "b", region, ...dedicated() });
    await orderAtStep(client, a.order.id, "compute");
    await orderAtStep(client, b.order.id, "compute");

    await stack.operator.tenants.archive.mutate({ tenantId, reason: "contract ended" });
    await lifecycleIdle(stack, tenantId);

    // Every order ended before the release, its saga is over, and no step took inventory after it.
    await stack.expectInvariants([tenantId]);
    expect((await regionHoldings(stack.deps.systemDb, region)).nothingHeld()).toBe(true);
    const restored = await stack.operator.tenants.restore.mutate({ tenantId });
    expect(restored.state).toBe("active");
    for (const { order } of [a, b]) {
      const o = await orderIn(client, order.id, ["compensated", "failed"]);
      expect(["cancelled", "tenant_not_active", "tenant_archived"]).toContain(o.error?.reason);
    }
    // Nothing holds on after the release: the tenant's usage is zero and still equals a recount.
    const usage = await client.quotas.get.query();
    expect(usage.quotas.filter((q) => q.used > 0 && q.quota !== "max_users")).toEqual([]);
  });

  it("purging mid-saga leaves no row, allocation or running workflow of the tenant", async () => {
    const { tenantId, client, region } = await dedicatedTenant();
    Object.assign(latency, { allocateNodes: 1500, createVlan: 1500, createCephPool: 1500 });
    const a = await client.clusters.create.mutate({ name: "a", region, ...dedicated() });
    await client.clusters.create.mutate({ name: "s", region });
    await orderAtStep(client, a.order.id, "compute");

    await stack.operator.tenants.requestDeletion.mutate({ tenantId, retentionDays: 0 });
    await eventually(
      async () => {
        const t = await stack.operator.tenants.get.query({ tenantId });
        if (!t.purgedAt) throw new Error(`not purged yet (${JSON.stringify(t.transition)})`);
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );

    await stack.expectInvariants([tenantId]);
    expect((await regionHoldings(stack.deps.systemDb, region)).nothingHeld()).toBe(true);
  });
});

describe("a cluster owns what runs on it", () => {
  let stack: TestStack;
  const latency: Latency = {};

  beforeAll(async () => {
    stack = await startStack({ worker: true, provider: { latency } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("refuses to delete a cluster while an instance and a pool on it are provisioning", async () => {
    const { tenantId, client } = await stack.newTenant();
    const clusterId = await readyCluster(stack, client);
    latency.provisionResource = 1000;
    const { order: io } = await client.instances.create.mutate({
      clusterId,
      name: "i",
      cpuCores: 2,
      memoryGb: 4,
    });
    const { order: po } = await client.storage.create.mutate({
      clusterId,
      name: "p",
      backend: "nvme",
      sizeTb: 1,
    });

    const refused = await client.clusters.delete.mutate({ clusterId }).catch((e: unknown) => e);
    expect(errorDataOf(refused)).toMatchObject({ reason: "resource_busy", httpStatus: 409 });
    expect((await client.clusters.get.query({ clusterId })).state).toBe("ready");

    await orderIn(client, io.id, ["completed"]);
    await orderIn(client, po.id, ["completed"]);
    delete latency.provisionResource;
    const { order } = await client.clusters.delete.mutate({ clusterId });
    await orderIn(client, order?.id as OrderId, ["completed"]);
    expect((await client.instances.list.query({ clusterId })).items).toEqual([]);
    // A deleted cluster is gone, as deleted instances and pools are.
    expect((await client.clusters.list.query()).items).toEqual([]);
    const gone = await client.clusters.get.query({ clusterId }).catch((e: unknown) => e);
    expect(errorDataOf(gone)).toMatchObject({ reason: "not_found" });
    await stack.expectInvariants([tenantId]);
    const usage = await client.quotas.get.query();
    expect(usage.quotas.filter((q) => q.used > 0 && q.quota !== "max_users")).toEqual([]);
  });
});

describe("cancelled orders end `cancelled`, whatever their kind", () => {
  let stack: TestStack;
  const latency: Latency = {};

  beforeAll(async () => {
    stack = await startStack({ worker: true, provider: { latency } });
  });
  afterAll(async () => {
    try {
      await stack?.expectInvariants();
    } finally {
      await stack?.close();
    }
  });

  it("a shared cluster cancelled mid-allocation fails with reason cancelled and holds nothing", async () => {
    const { client } = await stack.newTenant();
    latency.allocateCluster = 1500;
    const { cluster, order } = await client.clusters.create.mutate({ name: "slow", region: "eu-central-1" });
    await orderAtStep(client, order.id, "compute");
    await client.orders.cancel.mutate({ orderId: order.id });
    expect(await orderIn(client, order.id, ["failed"])).toMatchObject({ error: { reason: "cancelled" } });
    expect((await client.clusters.get.query({ clusterId: cluster.id })).state).toBe("failed");
    delete latency.allocateCluster;
  });

  it("an instance cancelled mid-provisioning fails with reason cancelled and gives its quota back", async () => {
    const { client } = await stack.newTenant();
    const clusterId = await readyCluster(stack, client);
    latency.provisionResource = 1500;
    const { order } = await client.instances.create.mutate({
      clusterId,
      name: "i",
      cpuCores: 2,
      memoryGb: 4,
    });
    await orderAtStep(client, order.id, "provision");
    await client.orders.cancel.mutate({ orderId: order.id });
    expect(await orderIn(client, order.id, ["failed"])).toMatchObject({ error: { reason: "cancelled" } });
    const used = (await client.quotas.get.query()).quotas.find((q) => q.quota === "max_instances")?.used;
    expect(used).toBe(0);
    delete latency.provisionResource;
  });
});

describe("a committed order always gets its workflow", () => {
  let stack: TestStack;
  let temporal: TcpProxy;

  beforeAll(async () => {
    const { testEnv } = await import("./env.ts");
    temporal = await startTcpProxy(testEnv.temporalAddress);
    // The API reaches Temporal through the proxy; the worker keeps the real address.
    stack = await startStack({ worker: true, urls: { temporalAddress: temporal.address } });
  });
  afterAll(async () => {
    await stack?.close();
    await temporal?.close();
  });

  it("accepts an order while Temporal is away and runs it once Temporal is back, with no retry", async () => {
    const { tenantId, client } = await stack.newTenant();
    temporal.cut();
    const { cluster, order } = await client.clusters.create.mutate({
      name: "during-outage",
      region: "eu-central-1",
    });
    expect(order.state).toBe("pending");
    expect((await client.quotas.get.query()).quotas.find((q) => q.quota === "max_clusters")?.used).toBe(1);

    temporal.restore();
    await orderIn(client, order.id, ["completed"]);
    expect((await client.clusters.get.query({ clusterId: cluster.id })).state).toBe("ready");
    await stack.expectInvariants([tenantId]);
  });

  it("cancelling an order that has no workflow yet cancels it and gives its quota back", async () => {
    const { tenantId, client } = await stack.newTenant();
    temporal.cut();
    const { cluster, order } = await client.clusters.create.mutate({
      name: "cancelled",
      region: "eu-central-1",
    });
    const cancelled = await client.orders.cancel.mutate({ orderId: order.id });
    expect(cancelled).toMatchObject({ state: "failed", error: { reason: "cancelled" } });
    expect((await client.quotas.get.query()).quotas.find((q) => q.quota === "max_clusters")?.used).toBe(0);

    temporal.restore();
    // Once another order of the tenant ran to the end, Temporal is back and the starter has swept.
    const { order: later } = await client.clusters.create.mutate({ name: "after", region: "eu-central-1" });
    await orderIn(client, later.id, ["completed"]);
    expect(await client.orders.get.query({ orderId: order.id })).toMatchObject({
      state: "failed",
      error: { reason: "cancelled" },
    });
    expect((await client.clusters.get.query({ clusterId: cluster.id })).state).toBe("failed");
    await stack.expectInvariants([tenantId]);
  });
});
