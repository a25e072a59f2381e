import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorDataOf, type PlatformaClient } from "@platforma/client";
import { sql } from "drizzle-orm";
import {
  newId,
  type ApiKeyId,
  type ClusterId,
  type OrderId,
  type TenantId,
  type UserId,
} from "@platforma/contracts";
import { startStack, type TestStack } from "./stack.ts";
import { recordingStarter } from "./recording-starter.ts";
import { readyCluster } from "./cluster-fixtures.ts";
import { networks } from "@platforma/db";

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

  it("cannot cancel, delete or reconfigure another tenant's orders, clusters and networks", async () => {
    const victim = await stack.newTenant();
    const { cluster, order } = await victim.client.clusters.create.mutate({
      name: "target",
      region: "eu-central-1",
    });
    const readyId = await readyCluster(stack, victim.client, "ready-target");
    const networkId = newId("network");
    await stack.deps.systemDb.insert(networks).values({
      id: networkId,
      tenantId: victim.tenantId,
      clusterId: readyId,
      region: "eu-central-1",
      vlanId: 4000,
      cidr: "10.9.0.0/16",
      state: "ready",
    });
    const rules = [
      {
        direction: "ingress" as const,
        protocol: "any" as const,
        cidr: "0.0.0.0/0",
        action: "allow" as const,
      },
    ];
    const attempts = await Promise.all([
      attacker.orders.cancel.mutate({ orderId: order.id }).catch((e: unknown) => e),
      attacker.clusters.delete.mutate({ clusterId: cluster.id }).catch((e: unknown) => e),
      attacker.clusters.delete.mutate({ clusterId: readyId }).catch((e: unknown) => e),
      attacker.networks.get.query({ networkId }).catch((e: unknown) => e),
      attacker.networks.updateFirewallRules.mutate({ networkId, rules }).catch((e: unknown) => e),
    ]);
    expect(attempts.map((r) => errorDataOf(r)?.reason ?? "LEAK")).toEqual(Array(5).fill("not_found"));
    expect((await attacker.networks.list.query()).items).toEqual([]);
    expect((await victim.client.orders.get.query({ orderId: order.id })).state).toBe("pending");
    expect((await victim.client.clusters.get.query({ clusterId: readyId })).state).toBe("ready");
    expect((await victim.client.networks.get.query({ networkId })).rulesVersion).toBe(1);
  });

  it("cannot pick a tenant through input", async () => {
    const err = await attacker.clusters.list
      .query({ tenantId: "ten_aaaaaaaaaaaaaaaaaaaa" } as never)
      .catch((e: unknown) => e);
    expect(errorDataOf(err)?.reason).toBe("invalid_input");
  });
});

describe("one tenant's credential never reaches another tenant's users or API keys", () => {
  let stack: TestStack;
  const victims: {
    tenantId: TenantId;
    client: PlatformaClient;
    userIds: UserId[];
    keys: { id: ApiKeyId; plaintext: string }[];
  }[] = [];
  let attackers: PlatformaClient[];

  beforeAll(async () => {
    stack = await startStack({ workflows: recordingStarter() });
    for (let v = 0; v < 3; v++) {
      const { tenantId, client } = await stack.newTenant();
      const userIds: UserId[] = [];
      const keys: { id: ApiKeyId; plaintext: string }[] = [];
      for (let i = 0; i < 4; i++) {
        userIds.push(
          (await client.users.invite.mutate({ email: `u${i}@victim.example`, roles: ["admin"] })).id,
        );
        const { apiKey, plaintextKey } = await client.apiKeys.create.mutate({
          name: `k${i}`,
          scopes: ["infrastructure:read"],
        });
        keys.push({ id: apiKey.id, plaintext: plaintextKey });
      }
      victims.push({ tenantId, client, userIds, keys });
    }
    const attacker = await stack.newTenant();
    // The attacker tries with its JWT and with an API key holding every scope it can put on one.
    const { plaintextKey } = await attacker.client.apiKeys.create.mutate({
      name: "attacker",
      scopes: ["users:manage", "api_keys:manage", "infrastructure:read"],
    });
    attackers = [attacker.client, stack.clientFor(plaintextKey)];
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("lists none of the other tenants' users or keys", async () => {
    for (const attacker of attackers) {
      expect((await attacker.users.list.query({ limit: 200 })).items).toEqual([]);
      expect((await attacker.apiKeys.list.query({ limit: 200 })).items.map((k) => k.name)).toEqual([
        "attacker",
      ]);
    }
  });

  it("gets not_found for every get/updateRoles/remove/revoke of another tenant's ids, many times over", async () => {
    const attempts: Promise<unknown>[] = [];
    for (let round = 0; round < 10; round++) {
      for (const attacker of attackers) {
        for (const v of victims) {
          for (const userId of v.userIds) {
            attempts.push(attacker.users.get.query({ userId }).catch((e: unknown) => e));
            attempts.push(
              attacker.users.updateRoles.mutate({ userId, roles: ["pwned"] }).catch((e: unknown) => e),
            );
            attempts.push(attacker.users.remove.mutate({ userId }).catch((e: unknown) => e));
          }
          for (const key of v.keys)
            attempts.push(attacker.apiKeys.revoke.mutate({ keyId: key.id }).catch((e: unknown) => e));
        }
      }
    }
    const results = await Promise.all(attempts);
    expect(results).toHaveLength(10 * 2 * 3 * 16);
    const reasons = new Set(results.map((r) => errorDataOf(r)?.reason ?? "LEAK"));
    expect([...reasons]).toEqual(["not_found"]);
  });

  it("left every victim's users, keys, quota usage and events untouched", async () => {
    for (const v of victims) {
      const users = (await v.client.users.list.query()).items;
      expect(users.map((u) => u.id).sort()).toEqual([...v.userIds].sort());
      expect(new Set(users.flatMap((u) => u.roles))).toEqual(new Set(["admin"]));
      const keys = (await v.client.apiKeys.list.query()).items;
      expect(keys.map((k) => k.status)).toEqual(["active", "active", "active", "active"]);
      for (const key of v.keys) {
        await expect(stack.clientFor(key.plaintext).clusters.list.query()).resolves.toBeTruthy();
      }
      const { rows } = await stack.deps.systemDb.execute<{ types: string[] }>(
        sql`select array_agg(distinct type order by type) as types from outbox where tenant_id = ${v.tenantId}`,
      );
      expect(rows[0]?.types).toEqual(["api_key.created.v1", "tenant.created.v1", "user.invited.v1"]);
    }
  });

  it("a key's tenant cannot be swapped through input", async () => {
    const err = await attackers[1]!.users.list
      .query({ tenantId: victims[0]!.tenantId } as never)
      .catch((e: unknown) => e);
    expect(errorDataOf(err)?.reason).toBe("invalid_input");
  });
});
