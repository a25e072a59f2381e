import { and, eq, isNull } from "drizzle-orm";
import { DomainError } from "@platforma/contracts";
import { allocations, clusters, inventoryFunctions, withTenant, type AppDb } from "@platforma/db";
import type { ClusterAllocation, ProviderDriver, ResourceRequest } from "./driver.ts";
import { inventoryCall } from "./inventory-call.ts";
import { createSimulatedDedicatedOps } from "./simulated-dedicated.ts";

type Operation = keyof Omit<ProviderDriver, "name">;

export interface SimulatedDriverOptions {
  db: AppDb;
  /** Added before each operation, to make demos and timing-sensitive tests realistic. */
  latencyMs?: number;
  /** Extra latency for single operations (read at call time, so tests can change it mid-run). */
  latency?: Partial<Record<Operation, number>>;
  /**
   * Fails the named operation, for tests and demos: `error` is a transient failure (retried),
   * `capacity` a final one (`capacity_unavailable`).
   */
  failures?: Partial<Record<Operation, "error" | "capacity">>;
}

/**
 * A provider whose inventory is real Postgres state, taken and given back only through the
 * inventory functions (`inventoryFunctions`): capacity per region is taken with a conditional
 * UPDATE, so concurrent allocations never exceed it, and every allocation is a tenant-owned row
 * written in the tenant's own RLS transaction, in the same call that takes the inventory.
 */
export function createSimulatedDriver(opts: SimulatedDriverOptions): ProviderDriver {
  const { db } = opts;
  const pause = (op: Operation) => {
    const ms = (opts.latencyMs ?? 0) + (opts.latency?.[op] ?? 0);
    return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
  };
  const maybeFail = (op: Operation) => {
    const failure = opts.failures?.[op];
    if (failure === "error") throw new Error(`simulated failure in ${op}`);
    if (failure === "capacity")
      throw new DomainError("capacity_unavailable", `simulated: no capacity for ${op}`);
  };

  return {
    name: "simulated",
    ...createSimulatedDedicatedOps(db, async (op) => {
      await pause(op);
      maybeFail(op);
    }),

    async allocateCluster(req): Promise<ClusterAllocation> {
      await pause("allocateCluster");
      maybeFail("allocateCluster");
      const allocation = await inventoryCall(db, req, (tx) => inventoryFunctions.takeClusterSlot(tx, req));
      return { allocationId: allocation.id, region: allocation.region };
    },

    async releaseCluster(req): Promise<void> {
      await pause("releaseCluster");
      maybeFail("releaseCluster");
      await inventoryCall(db, req, (tx) => inventoryFunctions.releaseClusterSlot(tx, req));
    },

    async provisionResource(req: ResourceRequest): Promise<void> {
      await pause("provisionResource");
      maybeFail("provisionResource");
      await withTenant(db, req.tenantId, async (tx) => {
        const [cluster] = await tx
          .select({ region: clusters.region })
          .from(clusters)
          .where(eq(clusters.id, req.clusterId));
        if (!cluster) throw new DomainError("not_found", `cluster ${req.clusterId} not found`);
        await tx
          .insert(allocations)
          .values({
            id: `alc_${req.requestKey}`,
            tenantId: req.tenantId,
            requestKey: req.requestKey,
            clusterId: req.clusterId,
            region: cluster.region,
            kind: req.kind,
          })
          .onConflictDoNothing();
      });
    },

    async releaseResource(req: ResourceRequest): Promise<void> {
      await pause("releaseResource");
      maybeFail("releaseResource");
      await withTenant(db, req.tenantId, (tx) =>
        tx
          .update(allocations)
          .set({ releasedAt: new Date(), updatedAt: new Date() })
          .where(and(eq(allocations.requestKey, req.requestKey), isNull(allocations.releasedAt))),
      );
    },
  };
}
