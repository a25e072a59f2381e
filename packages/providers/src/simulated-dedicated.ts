import { and, eq, inArray, isNull, notInArray, sql } from "drizzle-orm";
import { DomainError } from "@platforma/contracts";
import {
  allocations,
  cephClusters,
  nvmeDrives,
  providerNodes,
  providerVlans,
  withTenant,
  type AppDb,
  type TenantTx,
} from "@platforma/db";
import type { DedicatedRequest, ProviderDriver } from "./driver.ts";

type DedicatedOps = Pick<
  ProviderDriver,
  | "allocateNodes"
  | "releaseNodes"
  | "createVlan"
  | "deleteVlan"
  | "applyFirewallRules"
  | "removeFirewallRules"
  | "createCephPool"
  | "deleteCephPool"
  | "attachNvmeDrives"
  | "detachNvmeDrives"
  | "registerCluster"
  | "deregisterCluster"
>;

type Detail = Record<string, unknown>;

/**
 * Runs one allocation step in the tenant's transaction: if the request key already has an
 * allocation, its recorded detail is returned (the step is idempotent); otherwise `take` takes
 * inventory and the allocation row is written in the same transaction, so the two cannot diverge.
 */
async function allocateOnce<D extends Detail>(
  db: AppDb,
  req: DedicatedRequest,
  kind: string,
  take: (tx: TenantTx) => Promise<D>,
): Promise<D> {
  return withTenant(db, req.tenantId, async (tx) => {
    const [existing] = await tx.select().from(allocations).where(eq(allocations.requestKey, req.requestKey));
    if (existing && !existing.releasedAt) return existing.detail as D;
    if (existing) throw new DomainError("conflict", `allocation ${req.requestKey} was already released`);
    const detail = await take(tx);
    await tx.insert(allocations).values({
      id: `alc_${req.requestKey}`,
      tenantId: req.tenantId,
      requestKey: req.requestKey,
      clusterId: req.clusterId,
      region: req.region,
      kind,
      detail,
    });
    return detail;
  });
}

/** Releases an allocation (once): `give` returns its inventory, then the row is marked released. */
async function releaseOnce(
  db: AppDb,
  req: DedicatedRequest,
  give: (tx: TenantTx, detail: Detail) => Promise<void>,
) {
  await withTenant(db, req.tenantId, async (tx) => {
    const [held] = await tx
      .select()
      .from(allocations)
      .where(and(eq(allocations.requestKey, req.requestKey), isNull(allocations.releasedAt)))
      .for("update");
    if (!held) return;
    await give(tx, held.detail);
    await tx
      .update(allocations)
      .set({ releasedAt: new Date(), updatedAt: new Date() })
      .where(eq(allocations.id, held.id));
  });
}

const noCapacity = (what: string, region: string) =>
  new DomainError("capacity_unavailable", `region ${region} has no ${what} left`, { region, resource: what });

export function createSimulatedDedicatedOps(
  db: AppDb,
  before: (op: keyof DedicatedOps) => Promise<void>,
): DedicatedOps {
  return {
    async allocateNodes(req) {
      await before("allocateNodes");
      const detail = await allocateOnce(db, req, "dedicated-nodes", async (tx) => {
        // SKIP LOCKED lets concurrent tenants take different free nodes instead of queueing on the same ones.
        const free = await tx
          .select({ id: providerNodes.id })
          .from(providerNodes)
          .where(and(eq(providerNodes.region, req.region), isNull(providerNodes.holder)))
          .orderBy(providerNodes.id)
          .limit(req.count)
          .for("update", { skipLocked: true });
        if (free.length < req.count) throw noCapacity("dedicated nodes", req.region);
        const nodeIds = free.map((n) => n.id);
        await tx
          .update(providerNodes)
          .set({ holder: req.requestKey, updatedAt: new Date() })
          .where(and(inArray(providerNodes.id, nodeIds), isNull(providerNodes.holder)));
        return { nodeIds };
      });
      return { nodeIds: detail.nodeIds };
    },
    async releaseNodes(req) {
      await before("releaseNodes");
      await releaseOnce(db, req, async (tx) => {
        await tx
          .update(providerNodes)
          .set({ holder: null, updatedAt: new Date() })
          .where(eq(providerNodes.holder, req.requestKey));
      });
    },

    async createVlan(req) {
      await before("createVlan");
      const detail = await allocateOnce(db, req, "vlan", async (tx) => {
        const [free] = await tx
          .select({ vlanId: providerVlans.vlanId })
          .from(providerVlans)
          .where(and(eq(providerVlans.region, req.region), isNull(providerVlans.holder)))
          .orderBy(providerVlans.vlanId)
          .limit(1)
          .for("update", { skipLocked: true });
        if (!free) throw noCapacity("VLAN ids", req.region);
        await tx
          .update(providerVlans)
          .set({ holder: req.requestKey, updatedAt: new Date() })
          .where(and(eq(providerVlans.region, req.region), eq(providerVlans.vlanId, free.vlanId)));
        return { vlanId: free.vlanId };
      });
      return { vlanId: detail.vlanId };
    },
    async deleteVlan(req) {
      await before("deleteVlan");
      await releaseOnce(db, req, async (tx) => {
        await tx
          .update(providerVlans)
          .set({ holder: null, updatedAt: new Date() })
          .where(eq(providerVlans.holder, req.requestKey));
      });
    },

    async applyFirewallRules(req) {
      await before("applyFirewallRules");
      // The rule set is the allocation's detail; a newer version replaces it in place.
      await withTenant(db, req.tenantId, async (tx) => {
        const detail = { vlanId: req.vlanId, version: req.version, rules: req.rules };
        await tx
          .insert(allocations)
          .values({
            id: `alc_${req.requestKey}`,
            tenantId: req.tenantId,
            requestKey: req.requestKey,
            clusterId: req.clusterId,
            region: req.region,
            kind: "firewall",
            detail,
          })
          .onConflictDoUpdate({
            target: [allocations.tenantId, allocations.requestKey],
            set: { detail, releasedAt: null, updatedAt: new Date() },
            setWhere: sql`(${allocations.detail} ->> 'version')::int <= ${req.version}`,
          });
      });
    },
    async removeFirewallRules(req) {
      await before("removeFirewallRules");
      await releaseOnce(db, req, async () => {});
    },

    async createCephPool(req) {
      await before("createCephPool");
      const detail = await allocateOnce(db, req, "ceph-pool", async (tx) => {
        const [cluster] = await tx
          .select({ id: cephClusters.id })
          .from(cephClusters)
          .where(
            and(
              eq(cephClusters.region, req.region),
              sql`${cephClusters.capacityTb} - ${cephClusters.usedTb} >= ${req.sizeTb}`,
            ),
          )
          .orderBy(cephClusters.usedTb, cephClusters.id)
          .limit(1)
          .for("update", { skipLocked: true });
        if (!cluster) throw noCapacity(`Ceph capacity for ${req.sizeTb} TB`, req.region);
        await tx
          .update(cephClusters)
          .set({ usedTb: sql`${cephClusters.usedTb} + ${req.sizeTb}`, updatedAt: new Date() })
          .where(eq(cephClusters.id, cluster.id));
        return { cephClusterId: cluster.id, pool: `pool-${req.requestKey}`, sizeTb: req.sizeTb };
      });
      return { cephClusterId: detail.cephClusterId, pool: detail.pool };
    },
    async deleteCephPool(req) {
      await before("deleteCephPool");
      await releaseOnce(db, req, async (tx, detail) => {
        const sizeTb = Number(detail["sizeTb"] ?? 0);
        await tx
          .update(cephClusters)
          .set({ usedTb: sql`greatest(${cephClusters.usedTb} - ${sizeTb}, 0)`, updatedAt: new Date() })
          .where(eq(cephClusters.id, String(detail["cephClusterId"])));
      });
    },

    async attachNvmeDrives(req) {
      await before("attachNvmeDrives");
      const detail = await allocateOnce(db, req, "nvme-drives", async (tx) => {
        // One drive at a time, so a request locks only the drives it will take.
        const taken: string[] = [];
        let total = 0;
        while (total < req.sizeTb) {
          const [drive] = await tx
            .select({ id: nvmeDrives.id, sizeTb: nvmeDrives.sizeTb })
            .from(nvmeDrives)
            .where(
              and(
                eq(nvmeDrives.region, req.region),
                isNull(nvmeDrives.holder),
                notInArray(nvmeDrives.id, taken.length ? taken : [""]),
              ),
            )
            .orderBy(nvmeDrives.id)
            .limit(1)
            .for("update", { skipLocked: true });
          if (!drive) break;
          taken.push(drive.id);
          total += drive.sizeTb;
        }
        if (total < req.sizeTb) throw noCapacity(`NVMe drives for ${req.sizeTb} TB`, req.region);
        await tx
          .update(nvmeDrives)
          .set({ holder: req.requestKey, updatedAt: new Date() })
          .where(and(inArray(nvmeDrives.id, taken), isNull(nvmeDrives.holder)));
        return { driveIds: taken };
      });
      return { driveIds: detail.driveIds };
    },
    async detachNvmeDrives(req) {
      await before("detachNvmeDrives");
      await releaseOnce(db, req, async (tx) => {
        await tx
          .update(nvmeDrives)
          .set({ holder: null, updatedAt: new Date() })
          .where(eq(nvmeDrives.holder, req.requestKey));
      });
    },

    async registerCluster(req) {
      await before("registerCluster");
      await allocateOnce(db, req, "registration", async () => ({ registeredAt: new Date().toISOString() }));
    },
    async deregisterCluster(req) {
      await before("deregisterCluster");
      await releaseOnce(db, req, async () => {});
    },
  };
}
