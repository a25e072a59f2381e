import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { errorDataOf, type PlatformaClient } from "@platforma/client";
import type { OrderId } from "@platforma/contracts";
import { allocations, outbox, tenants } from "@platforma/db";
import type { SimulatedDriverOptions } from "@platforma/providers";
import { eventually } from "./eventually.ts";
import { regionHoldings, seedTestRegion } from "./inventory-fixtures.ts";
import { startStack, type TestStack } from "./stack.ts";

type Failures = NonNullable<SimulatedDriverOptions["failures"]>;
type Latency = NonNullable<SimulatedDriverOptions["latency"]>;

async function orderState(client: PlatformaClient, orderId: OrderId, states: string[]) {
  return eventually(
    async () => {
      const o = await client.orders.get.query({ orderId });
      if (!states.includes(o.state)) throw new Error(`order is ${o.state}`);
      return o;
    },
    { timeoutMs: 60_000 },
  );
}

const spec = (nodes: number, backend: "ceph" | "nvme" = "ceph", sizeTb = 8) => ({
  placement: "dedicated" as const,
  dedicated: {
    nodes,
    network: {
      cidr: "10.20.0.0/16",
      firewallRules: [
        {
          direction: "ingress" as const,
          protocol: "tcp" as const,
          ports: { from: 443, to: 443 },
          cidr: "0.0.0.0/0",
          action: "allow" as const,
        },
      ],
    },
    storage: { backend, sizeTb },
  },
});

describe("dedicated clusters: the compute → network → storage → register saga", () => {
  let stack: TestStack;
  // Mutated per test; the simulated driver reads them at call time.
  const failures: Failures = {};
  const latency: Latency = {};

  beforeAll(async () => {
    stack = await startStack({ worker: true, provider: { failures, latency } });
  });
  afterAll(async () => {
    try {
      await stack?.expectInvariants();
    } finally {
      await stack?.close();
    }
  });
  beforeEach(() => {
    for (const k of Object.keys(failures)) delete failures[k as keyof Failures];
    for (const k of Object.keys(latency)) delete latency[k as keyof Latency];
  });

  async function dedicatedTenant(shape?: Parameters<typeof seedTestRegion>[1]) {
    const region = await seedTestRegion(stack.deps.systemDb, shape);
    const tenant = await stack.newTenant({ allowedRegions: [region], dedicatedEntitled: true });
    return { ...tenant, region };
  }

  async function usage(client: PlatformaClient) {
    return Object.fromEntries((await client.quotas.get.query()).quotas.map((q) => [q.quota, q.used]));
  }

  it("provisions end to end: nodes, VLAN + firewall, Ceph pool, registration", async () => {
    const { tenantId, client, region } = await dedicatedTenant();
    const { cluster, order } = await client.clusters.create.mutate({
      name: "prod",
      region,
      ...spec(3, "ceph", 20),
    });
    const done = await orderState(client, order.id, ["completed"]);
    expect(done.steps.map((s) => [s.name, s.state])).toEqual([
      ["compute", "done"],
      ["network", "done"],
      ["storage", "done"],
      ["register", "done"],
    ]);
    expect((await client.clusters.get.query({ clusterId: cluster.id })).state).toBe("ready");

    const holdings = await regionHoldings(stack.deps.systemDb, region);
    expect(holdings.nodes.map((n) => n.holder)).toEqual(Array(3).fill(`${cluster.id}.nodes`));
    expect(holdings.vlans).toEqual([{ id: 100, holder: `${cluster.id}.vlan` }]);
    expect(holdings.cephUsedTb).toBe(20);

    const [network] = (await client.networks.list.query()).items;
    expect(network).toMatchObject({
      clusterId: cluster.id,
      vlanId: 100,
      cidr: "10.20.0.0/16",
      rulesVersion: 1,
      appliedVersion: 1,
      state: "ready",
    });
    expect(await usage(client)).toMatchObject({ max_clusters: 1, max_storage_tb: 20 });

    const steps = (
      await stack.deps.systemDb.select().from(outbox).where(eq(outbox.tenantId, tenantId)).orderBy(outbox.seq)
    )
      .filter((e) => e.type === "order.step_changed.v1")
      .map((e) => `${(e.data as { step: string }).step}:${(e.data as { state: string }).state}`);
    expect(steps).toEqual([
      "compute:running",
      "compute:done",
      "network:running",
      "network:done",
      "storage:running",
      "storage:done",
      "register:running",
      "register:done",
    ]);
  });

  it.each([
    ["compute", "allocateNodes", []],
    ["network", "createVlan", ["compute"]],
    ["storage", "attachNvmeDrives", ["compute", "network"]],
    ["register", "registerCluster", ["compute", "network", "storage"]],
  ] as const)(
    "a failure at %s compensates every earlier step and gives everything back",
    async (step, operation, before) => {
      const { client, region } = await dedicatedTenant();
      failures[operation] = "capacity";
      const { order } = await client.clusters.create.mutate({
        name: `fail-${step}`,
        region,
        ...spec(2, "nvme", 8),
      });
      const undone = await orderState(client, order.id, ["compensated"]);
      expect(undone.error?.reason).toBe("capacity_unavailable");
      const states = Object.fromEntries(undone.steps.map((s) => [s.name, s.state]));
      for (const earlier of before) expect(states[earlier], earlier).toBe("compensated");
      expect(states[step]).toBe("compensated");
      expect((await regionHoldings(stack.deps.systemDb, region)).nothingHeld()).toBe(true);
      expect(await usage(client)).toMatchObject({ max_clusters: 0, max_storage_tb: 0 });
      expect((await client.networks.list.query()).items).toEqual([]);
      // The workflow's own result says how the order ended, like the order and OrderState.
      expect(await stack.temporal!.workflow.getHandle(undone.workflowId).result()).toEqual({
        state: "compensated",
        reason: "capacity_unavailable",
      });
    },
  );

  it("fails cleanly when the region runs out of nodes", async () => {
    const { client, region } = await dedicatedTenant({ nodes: 1 });
    const { order } = await client.clusters.create.mutate({ name: "too-big", region, ...spec(2) });
    const undone = await orderState(client, order.id, ["compensated"]);
    expect(undone.error).toMatchObject({ reason: "capacity_unavailable" });
    // Operators find it in Temporal by how it ended (visibility is eventually consistent).
    await eventually(async () => {
      const found: string[] = [];
      for await (const wf of stack.temporal!.workflow.list({
        query: `OrderId = '${order.id}' AND OrderState = 'compensated'`,
      })) {
        found.push(wf.workflowId);
      }
      expect(found).toEqual([order.workflowId]);
    });
    expect((await regionHoldings(stack.deps.systemDb, region)).nothingHeld()).toBe(true);
    expect(await usage(client)).toMatchObject({ max_clusters: 0, max_storage_tb: 0 });
  });

  it("cancelling a running order compensates what was done", async () => {
    const { client, region } = await dedicatedTenant();
    latency.attachNvmeDrives = 3000;
    const { order } = await client.clusters.create.mutate({
      name: "cancel-me",
      region,
      ...spec(2, "nvme", 8),
    });
    await eventually(async () => {
      const o = await client.orders.get.query({ orderId: order.id });
      expect(o.steps.find((s) => s.name === "storage")?.state).toBe("running");
    });
    await client.orders.cancel.mutate({ orderId: order.id });
    const undone = await orderState(client, order.id, ["compensated"]);
    expect(undone.error?.reason).toBe("cancelled");
    // The drives attached after the cancel arrived are released too.
    expect((await regionHoldings(stack.deps.systemDb, region)).nothingHeld()).toBe(true);
    expect(await usage(client)).toMatchObject({ max_clusters: 0, max_storage_tb: 0 });
    const again = await client.orders.cancel.mutate({ orderId: order.id }).catch((e: unknown) => e);
    expect(errorDataOf(again)).toMatchObject({ reason: "conflict", state: "compensated" });
  });

  it("re-checks the region inside the activities: narrowing it mid-saga compensates", async () => {
    const { tenantId, client, region } = await dedicatedTenant();
    latency.allocateNodes = 1500;
    const { order } = await client.clusters.create.mutate({ name: "moved", region, ...spec(1) });
    await stack.deps.systemDb
      .update(tenants)
      .set({ allowedRegions: ["eu-central-1"] })
      .where(eq(tenants.id, tenantId));
    const undone = await orderState(client, order.id, ["compensated"]);
    expect(undone.error?.reason).toBe("region_not_allowed");
    expect((await regionHoldings(stack.deps.systemDb, region)).nothingHeld()).toBe(true);
  });

  it("refuses a disallowed region and an unentitled tenant before any workflow starts", async () => {
    const { client, region } = await dedicatedTenant();
    const wrongRegion = await client.clusters.create
      .mutate({ name: "x", region: "us-east-1", ...spec(1) })
      .catch((e: unknown) => e);
    expect(errorDataOf(wrongRegion)).toMatchObject({ reason: "region_not_allowed", httpStatus: 403 });
    const plain = await stack.newTenant({ allowedRegions: [region] });
    const notEntitled = await plain.client.clusters.create
      .mutate({ name: "x", region, ...spec(1) })
      .catch((e: unknown) => e);
    expect(errorDataOf(notEntitled)).toMatchObject({ reason: "placement_not_allowed", httpStatus: 403 });
    expect((await client.orders.list.query()).items).toEqual([]);
    expect((await plain.client.orders.list.query()).items).toEqual([]);
    expect((await regionHoldings(stack.deps.systemDb, region)).nothingHeld()).toBe(true);
  });

  it("a retried request returns the same order and provisions once", async () => {
    const { client, region } = await dedicatedTenant();
    const input = { name: "once", region, ...spec(2), idempotencyKey: "dedicated-once" };
    const [a, b] = await Promise.all([
      client.clusters.create.mutate(input),
      client.clusters.create.mutate(input),
    ]);
    expect(b.order.id).toBe(a.order.id);
    await orderState(client, a.order.id, ["completed"]);
    const c = await client.clusters.create.mutate(input);
    expect(c.order.id).toBe(a.order.id);
    expect((await regionHoldings(stack.deps.systemDb, region)).nodes).toHaveLength(2);
  });

  it("two tenants provisioning at once never share a node, VLAN or drive", async () => {
    const region = await seedTestRegion(stack.deps.systemDb, { nodes: 6, vlans: 2, nvmeDrives: 6 });
    const [a, b] = await Promise.all([
      stack.newTenant({ allowedRegions: [region], dedicatedEntitled: true }),
      stack.newTenant({ allowedRegions: [region], dedicatedEntitled: true }),
    ]);
    const [ra, rb] = await Promise.all([
      a.client.clusters.create.mutate({ name: "a", region, ...spec(3, "nvme", 12) }),
      b.client.clusters.create.mutate({ name: "b", region, ...spec(3, "nvme", 12) }),
    ]);
    await Promise.all([
      orderState(a.client, ra.order.id, ["completed"]),
      orderState(b.client, rb.order.id, ["completed"]),
    ]);
    const holdings = await regionHoldings(stack.deps.systemDb, region);
    const owner = (holder: string | null) =>
      holder?.startsWith(ra.cluster.id) ? "a" : holder?.startsWith(rb.cluster.id) ? "b" : "?";
    for (const rows of [holdings.nodes, holdings.vlans, holdings.drives]) {
      const owners = rows.map((r) => owner(r.holder));
      expect(owners).not.toContain("?");
      expect(owners.filter((o) => o === "a").length).toBe(rows.length / 2);
    }
    expect(holdings.nodes).toHaveLength(6);
    expect(holdings.drives).toHaveLength(6);
  });

  it("changes firewall rules through an order and the provider applies the new version", async () => {
    const { client, region } = await dedicatedTenant();
    const { order } = await client.clusters.create.mutate({ name: "fw", region, ...spec(1) });
    await orderState(client, order.id, ["completed"]);
    const [network] = (await client.networks.list.query()).items;
    const rules = [
      {
        direction: "ingress" as const,
        protocol: "udp" as const,
        ports: { from: 53, to: 53 },
        cidr: "10.0.0.0/8",
        action: "allow" as const,
      },
      { direction: "egress" as const, protocol: "any" as const, cidr: "::/0", action: "deny" as const },
    ];
    const update = await client.networks.updateFirewallRules.mutate({ networkId: network!.id, rules });
    expect(update.network.rulesVersion).toBe(2);
    await orderState(client, update.order.id, ["completed"]);
    const applied = await client.networks.get.query({ networkId: network!.id });
    expect(applied).toMatchObject({ rulesVersion: 2, appliedVersion: 2, firewallRules: rules });
    const bad = await client.networks.updateFirewallRules
      .mutate({ networkId: network!.id, rules: [{ ...rules[0]!, cidr: "10.0.0.1/8" }] })
      .catch((e: unknown) => e);
    expect(errorDataOf(bad)?.reason).toBe("invalid_input");
  });

  it("deletes a dedicated cluster and what runs on it, releasing inventory and quota", async () => {
    const { tenantId, client, region } = await dedicatedTenant();
    const { cluster, order } = await client.clusters.create.mutate({
      name: "gone",
      region,
      ...spec(2, "ceph", 10),
    });
    await orderState(client, order.id, ["completed"]);
    const { order: inst } = await client.instances.create.mutate({
      clusterId: cluster.id,
      name: "app",
      cpuCores: 4,
      memoryGb: 8,
    });
    await orderState(client, inst.id, ["completed"]);
    const first = await client.clusters.delete.mutate({ clusterId: cluster.id });
    const again = await client.clusters.delete.mutate({ clusterId: cluster.id });
    expect(again.order?.id).toBe(first.order?.id);
    await orderState(client, first.order!.id, ["completed"]);
    expect((await regionHoldings(stack.deps.systemDb, region)).nothingHeld()).toBe(true);
    expect(await usage(client)).toMatchObject({
      max_clusters: 0,
      max_storage_tb: 0,
      max_instances: 0,
      max_cpu_cores: 0,
    });
    expect((await client.instances.list.query()).items).toEqual([]);
    expect((await client.networks.list.query()).items).toEqual([]);
    const live = await stack.deps.systemDb
      .select()
      .from(allocations)
      .where(and(eq(allocations.tenantId, tenantId), like(allocations.requestKey, `${cluster.id}%`)));
    expect(live.every((a) => a.releasedAt !== null)).toBe(true);
  });
});
