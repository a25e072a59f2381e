import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorDataOf, type PlatformaClient } from "@platforma/client";
import type { ClusterId, OrderId } from "@platforma/contracts";
import { startStack, type TestStack } from "./stack.ts";
import { recordingStarter } from "./recording-starter.ts";
import { readyCluster } from "./cluster-fixtures.ts";

describe("one tenant's credential never reaches another tenant's data", () => {
  let stack: TestStack;
  const victims: { client: PlatformaClient; clusterIds: ClusterId[]; orderIds: OrderId[] }[] = [];
  let attacker: PlatformaClient;

  beforeAll(async () => {
    stack = await startStack({ workflows: recordingStarter() });
    for (let v = 0; v < 3; v++) {
      const { client } = await stack.newTenant();
      const clusterIds: ClusterId[] = [];
      const orderIds: OrderId[] = [];
      for (let i = 0; i < 5; i++) {
        const { cluster, order } = await client.clusters.create.mutate({
          name: `v${v}-c${i}`,
          region: "eu-central-1",
        });
        clusterIds.push(cluster.id);
        orderIds.push(order.id);
      }
      victims.push({ client, clusterIds, orderIds });
    }
    attacker = (await stack.newTenant()).client;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("lists none of the other tenants' clusters or orders", async () => {
    expect((await attacker.clusters.list.query({ limit: 200 })).items).toEqual([]);
    expect((await attacker.orders.list.query({ limit: 200 })).items).toEqual([]);
  });

  it("gets not_found for every other tenant's cluster and order, many times over", async () => {
    const attempts: Promise<unknown>[] = [];
    for (let round = 0; round < 40; round++) {
      for (const v of victims) {
        for (const clusterId of v.clusterIds)
          attempts.push(attacker.clusters.get.query({ clusterId }).catch((e: unknown) => e));
        for (const orderId of v.orderIds)
          attempts.push(attacker.orders.get.query({ orderId }).catch((e: unknown) => e));
      }
    }
    const results = await Promise.all(attempts);
    expect(results).toHaveLength(1200);
    const reasons = new Set(results.map((r) => errorDataOf(r)?.reason ?? "LEAK"));
    expect([...reasons]).toEqual(["not_found"]);
  });

  it("each victim still sees exactly its own rows", async () => {
    for (const v of victims) {
      const ids = (await v.client.clusters.list.query()).items.map((c) => c.id).sort();
      expect(ids).toEqual([...v.clusterIds].sort());
    }
  });

  it("cannot reach another tenant's instances, storage pools or clusters through the resource procedures", async () => {
    const victim = await stack.newTenant();
    const clusterId = await readyCluster(stack, victim.client);
    const { instance } = await victim.client.instances.create.mutate({
      clusterId,
      name: "v",
      cpuCores: 1,
      memoryGb: 1,
    });
    const { storagePool } = await victim.client.storage.create.mutate({
      clusterId,
      name: "v",
      backend: "ceph",
      sizeTb: 1,
    });
    const attempts = await Promise.all([
      attacker.instances.get.query({ instanceId: instance.id }).catch((e: unknown) => e),
      attacker.instances.delete.mutate({ instanceId: instance.id }).catch((e: unknown) => e),
      attacker.storage.delete.mutate({ storagePoolId: storagePool.id }).catch((e: unknown) => e),
      attacker.instances.create
        .mutate({ clusterId, name: "x", cpuCores: 1, memoryGb: 1 })
        .catch((e: unknown) => e),
      attacker.storage.create
        .mutate({ clusterId, name: "x", backend: "nvme", sizeTb: 1 })
        .catch((e: unknown) => e),
    ]);
    expect(attempts.map((r) => errorDataOf(r)?.reason ?? "LEAK")).toEqual(Array(5).fill("not_found"));
    expect((await attacker.instances.list.query({ clusterId })).items).toEqual([]);
    expect((await attacker.storage.list.query({ clusterId })).items).toEqual([]);
    expect((await attacker.quotas.get.query()).quotas.every((q) => q.used === 0)).toBe(true);
    expect((await victim.client.instances.get.query({ instanceId: instance.id })).state).toBe("provisioning");
  });

  it("cannot pick a tenant through input", async () => {
    const err = await attacker.clusters.list
      .query({ tenantId: "ten_aaaaaaaaaaaaaaaaaaaa" } as never)
      .catch((e: unknown) => e);
    expect(errorDataOf(err)?.reason).toBe("invalid_input");
  });
});
