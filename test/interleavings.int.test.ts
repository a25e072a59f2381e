import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorDataOf, type PlatformaClient } from "@platforma/client";
import type { ClusterId, OrderId, TenantId } from "@platforma/contracts";
import { clusters, instances, QUOTA_HOLDING_STATES, tenantQuotas } from "@platforma/db";
import { seedTestRegion } from "./inventory-fixtures.ts";
import { lifecycleIdle } from "./lifecycle-fixtures.ts";
import { startStack, type TestStack } from "./stack.ts";

/** A small seeded PRNG (mulberry32): a failing interleaving is replayed with its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T | undefined => items[Math.floor(next() * items.length)],
  };
}

const SEED = Number(process.env["INTERLEAVING_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
const LIMITS = { max_clusters: 3, max_instances: 4, max_cpu_cores: 8, max_memory_gb: 16, max_storage_tb: 12 };

interface Actor {
  tenantId: TenantId;
  client: PlatformaClient;
  region: string;
  clusters: ClusterId[];
  instances: string[];
  pools: string[];
  orders: OrderId[];
}

const dedicated = {
  placement: "dedicated" as const,
  dedicated: {
    nodes: 1,
    network: { cidr: "10.50.0.0/16", firewallRules: [] },
    storage: { backend: "ceph" as const, sizeTb: 2 },
  },
};

describe(`operations that meet, in a random interleaving (INTERLEAVING_SEED=${SEED})`, () => {
  let stack: TestStack;
  const unexpected: string[] = [];
  const refusals = new Map<string, number>();

  beforeAll(async () => {
    stack = await startStack({
      worker: true,
      relay: true,
      // Every step takes long enough for other operations to land in the middle of it.
      provider: {
        latency: {
          allocateCluster: 150,
          provisionResource: 200,
          allocateNodes: 300,
          createVlan: 200,
          createCephPool: 200,
          releaseResource: 100,
        },
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Runs one call; typed refusals (4xx, or a typed retryable 503) are part of the game, anything else is not. */
  async function attempt<T>(what: string, call: () => Promise<T>): Promise<T | null> {
    try {
      return await call();
    } catch (err) {
      const data = errorDataOf(err);
      const status = data?.httpStatus ?? 0;
      if (data && (status < 500 || data.reason === "unavailable")) {
        refusals.set(data.reason, (refusals.get(data.reason) ?? 0) + 1);
        return null;
      }
      unexpected.push(`${what}: ${data ? `${status} ${data.reason}` : String(err)}`);
      return null;
    }
  }

  async function tenantActor(actor: Actor, rnd: ReturnType<typeof prng>, steps: number) {
    const { client } = actor;
    for (let i = 0; i < steps; i++) {
      const op = rnd.int(9);
      const cluster = rnd.pick(actor.clusters);
      if (op === 0 || actor.clusters.length === 0) {
        const r = await attempt("clusters.create", () =>
          client.clusters.create.mutate({
            name: `c${i}-${rnd.int(1e6)}`,
            region: actor.region,
            ...(rnd.next() < 0.4 ? dedicated : {}),
          }),
        );
        if (r) {
          actor.clusters.push(r.cluster.id);
          actor.orders.push(r.order.id);
        }
      } else if (op <= 2 && cluster) {
        const r = await attempt("instances.create", () =>
          client.instances.create.mutate({ clusterId: cluster, name: `i${i}`, cpuCores: 2, memoryGb: 4 }),
        );
        if (r) {
          actor.instances.push(r.instance.id);
          actor.orders.push(r.order.id);
        }
      } else if (op === 3 && cluster) {
        const r = await attempt("storage.create", () =>
          client.storage.create.mutate({ clusterId: cluster, name: `p${i}`, backend: "nvme", sizeTb: 2 }),
        );
        if (r) {
          actor.pools.push(r.storagePool.id);
          actor.orders.push(r.order.id);
        }
      } else if (op === 4) {
        const id = rnd.pick(actor.instances);
        if (id)
          await attempt("instances.delete", () =>
            client.instances.delete.mutate({ instanceId: id as never }),
          );
      } else if (op === 5) {
        const id = rnd.pick(actor.pools);
        if (id)
          await attempt("storage.delete", () => client.storage.delete.mutate({ storagePoolId: id as never }));
      } else if (op === 6 && cluster) {
        await attempt("clusters.delete", () => client.clusters.delete.mutate({ clusterId: cluster }));
      } else if (op === 7) {
        const orderId = rnd.pick(actor.orders);
        if (orderId) await attempt("orders.cancel", () => client.orders.cancel.mutate({ orderId }));
      }
      // Long enough for workflows to move between calls, short enough to land inside their steps.
      await new Promise((r) => setTimeout(r, 100 + rnd.int(500)));
    }
  }

  async function operatorActor(actors: Actor[], rnd: ReturnType<typeof prng>, steps: number) {
    const ops = stack.operator.tenants;
    // At most one tenant is purged, late, so the others keep meeting everything else.
    const purged = rnd.pick(actors);
    for (let i = 0; i < steps; i++) {
      const { tenantId } = rnd.pick(actors) ?? (actors[0] as Actor);
      // Mostly the transition the state allows, then back again soon, so tenants spend most of the
      // run active (meeting orders) and every transition lands on work in flight; sometimes one
      // the state refuses.
      const { state } = await ops.get.query({ tenantId });
      const away = rnd.next();
      if (rnd.next() < 0.15) await attempt("resume", () => ops.resume.mutate({ tenantId }));
      else if (state === "active" && away < 0.5)
        await attempt("suspend", () => ops.suspend.mutate({ tenantId, reason: "interleaving" }));
      else if (state === "active" && away < 0.85)
        await attempt("archive", () => ops.archive.mutate({ tenantId }));
      else if (state === "active")
        await attempt("requestDeletion", () => ops.requestDeletion.mutate({ tenantId }));
      else if (state === "suspended") await attempt("resume", () => ops.resume.mutate({ tenantId }));
      else if (state === "archived") await attempt("restore", () => ops.restore.mutate({ tenantId }));
      else if (state === "deleted")
        await attempt("cancelDeletion", () => ops.cancelDeletion.mutate({ tenantId }));
      await new Promise((r) => setTimeout(r, 300 + rnd.int(1200)));
    }
    // Everyone back to active, except the tenant that is purged at the end.
    for (const { tenantId } of actors) {
      await lifecycleIdle(stack, tenantId);
      const { state } = await ops.get.query({ tenantId });
      if (state === "suspended") await attempt("resume", () => ops.resume.mutate({ tenantId }));
      if (state === "archived") await attempt("restore", () => ops.restore.mutate({ tenantId }));
      if (state === "deleted") await attempt("cancelDeletion", () => ops.cancelDeletion.mutate({ tenantId }));
    }
    if (purged) {
      await lifecycleIdle(stack, purged.tenantId);
      const t = await ops.get.query({ tenantId: purged.tenantId });
      if (t.state === "deleted")
        await attempt("cancelDeletion", () => ops.cancelDeletion.mutate({ tenantId: purged.tenantId }));
      await lifecycleIdle(stack, purged.tenantId);
      await attempt("requestDeletion(0)", () =>
        ops.requestDeletion.mutate({ tenantId: purged.tenantId, retentionDays: 0 }),
      );
    }
  }

  it("keeps every invariant, and no tenant ever holds more than its limits", async () => {
    const actors: Actor[] = [];
    for (let i = 0; i < 3; i++) {
      const region = await seedTestRegion(stack.deps.systemDb, {
        nodes: 6,
        vlans: 4,
        cephTb: [40],
        nvmeDrives: 8,
      });
      const t = await stack.newTenant({ allowedRegions: [region], dedicatedEntitled: true, quotas: LIMITS });
      actors.push({ ...t, region, clusters: [], instances: [], pools: [], orders: [] });
    }

    await Promise.all([
      ...actors.map((a, i) => tenantActor(a, prng(SEED + i + 1), 28)),
      operatorActor(actors, prng(SEED + 100), 14),
    ]);
    for (const a of actors) await lifecycleIdle(stack, a.tenantId, 120_000);

    expect(unexpected, `seed ${SEED}: only typed refusals`).toEqual([]);
    await stack.expectInvariants(
      actors.map((a) => a.tenantId),
      { timeoutMs: 120_000 },
    );
    // No sequence of calls leaves a tenant holding more than its limits.
    const ids = actors.map((a) => a.tenantId);
    const live = async (table: typeof instances | typeof clusters) =>
      stack.deps.systemDb
        .select({ tenantId: table.tenantId })
        .from(table)
        .where(inArray(table.state, [...QUOTA_HOLDING_STATES]));
    const limits = await stack.deps.systemDb
      .select()
      .from(tenantQuotas)
      .where(inArray(tenantQuotas.tenantId, ids));
    for (const id of ids) {
      const limit = (q: string) => limits.find((l) => l.tenantId === id && l.quota === q)?.limit ?? Infinity;
      expect((await live(instances)).filter((r) => r.tenantId === id).length).toBeLessThanOrEqual(
        limit("max_instances"),
      );
      expect((await live(clusters)).filter((r) => r.tenantId === id).length).toBeLessThanOrEqual(
        limit("max_clusters"),
      );
    }
    // The run did meet: orders were admitted, and refusals were typed.
    expect(
      actors.some((a) => a.orders.length > 0),
      `seed ${SEED}: some orders admitted`,
    ).toBe(true);
    expect(refusals.size, `seed ${SEED}: refusals ${JSON.stringify([...refusals])}`).toBeGreaterThan(0);
  }, 300_000);
});
