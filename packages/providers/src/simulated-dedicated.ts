import { and, eq, isNull, sql } from "drizzle-orm";
import { DomainError } from "@platforma/contracts";
import { allocations, inventoryFunctions, withTenant, type AppDb } from "@platforma/db";
import type { DedicatedRequest, ProviderDriver } from "./driver.ts";
import { inventoryCall } from "./inventory-call.ts";

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
 * Records a step that holds no shared inventory (the registration) once, in the tenant's
 * transaction: a retried step finds its allocation and changes nothing. Steps that take inventory
 * (nodes, VLAN, storage) do the same inside their inventory function.
 */
async function recordOnce(db: AppDb, req: DedicatedRequest, kind: string, detail: () => Detail) {
  await withTenant(db, req.tenantId, async (tx) => {
    const [existing] = await tx.select().from(allocations).where(eq(allocations.requestKey, req.requestKey));
    if (existing && !existing.releasedAt) return;
    if (existing) throw new DomainError("conflict", `allocation ${req.requestKey} was already released`);
    await tx.insert(allocations).values({
      id: `alc_${req.requestKey}`,
      tenantId: req.tenantId,
      requestKey: req.requestKey,
      clusterId: req.clusterId,
      region: req.region,
      kind,
      detail: detail(),
    });
  });
}

/** Marks a step that holds no shared inventory (firewall rules, registration) released, once. */
async function releaseOnce(db: AppDb, req: DedicatedRequest) {
  await withTenant(db, req.tenantId, (tx) =>
    tx
      .update(allocations)
      .set({ releasedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(allocations.requestKey, req.requestKey), isNull(allocations.releasedAt))),
  );
}

const ids = (detail: Detail, key: string) => (detail[key] as string[] | undefined) ?? [];

export function createSimulatedDedicatedOps(
  db: AppDb,
  before: (op: keyof DedicatedOps) => Promise<void>,
): DedicatedOps {
  return {
    async allocateNodes(req) {
      await before("allocateNodes");
      const { detail } = await inventoryCall(db, req, (tx) => inventoryFunctions.takeNodes(tx, req));
      return { nodeIds: ids(detail, "nodeIds") };
    },
    async releaseNodes(req) {
      await before("releaseNodes");
      await inventoryCall(db, req, (tx) => inventoryFunctions.releaseNodes(tx, req));
    },

    async createVlan(req) {
      await before("createVlan");
      const { detail } = await inventoryCall(db, req, (tx) => inventoryFunctions.takeVlan(tx, req));
      return { vlanId: Number(detail["vlanId"]) };
    },
    async deleteVlan(req) {
      await before("deleteVlan");
      await inventoryCall(db, req, (tx) => inventoryFunctions.releaseVlan(tx, req));
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
      await releaseOnce(db, req);
    },

    async createCephPool(req) {
      await before("createCephPool");
      const { detail } = await inventoryCall(db, req, (tx) => inventoryFunctions.takeCephTb(tx, req));
      return { cephClusterId: String(detail["cephClusterId"]), pool: String(detail["pool"]) };
    },
    async deleteCephPool(req) {
      await before("deleteCephPool");
      await inventoryCall(db, req, (tx) => inventoryFunctions.releaseCephTb(tx, req));
    },

    async attachNvmeDrives(req) {
      await before("attachNvmeDrives");
      const { detail } = await inventoryCall(db, req, (tx) => inventoryFunctions.takeNvmeDrives(tx, req));
      return { driveIds: ids(detail, "driveIds") };
    },
    async detachNvmeDrives(req) {
      await before("detachNvmeDrives");
      await inventoryCall(db, req, (tx) => inventoryFunctions.releaseNvmeDrives(tx, req));
    },

    async registerCluster(req) {
      await before("registerCluster");
      await recordOnce(db, req, "registration", () => ({ registeredAt: new Date().toISOString() }));
    },
    async deregisterCluster(req) {
      await before("deregisterCluster");
      await releaseOnce(db, req);
    },
  };
}
