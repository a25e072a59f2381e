import { sql, type SQL } from "drizzle-orm";
import type { ClusterId, TenantId } from "@platforma/contracts";
import type { TenantTx } from "./client.ts";

/*
 * Typed calls of the shared-inventory functions (migration 0009, docs/decisions/inventory-functions.md).
 * The app role has no grant on the inventory tables: each call is one take or one give for the
 * tenant in context, and writes or releases that tenant's allocation row itself. They take a
 * `TenantTx`, so they only run inside `withTenant`, whose tenant the function checks again.
 */

/** SQLSTATE: the inventory has nothing left for a take; the HINT names what ran out. */
export const INVENTORY_EXHAUSTED = "PT010";
/** SQLSTATE: a take met its request key's allocation already released, or of another kind. */
export const ALLOCATION_REFUSED = "PT011";

export interface InventoryKey {
  tenantId: TenantId;
  /** The allocation's request key: its id is `alc_<request key>`, and held rows carry it as holder. */
  requestKey: string;
}

export interface InventoryTake extends InventoryKey {
  clusterId: ClusterId | string;
  region: string;
}

/** The tenant's allocation for the key: the one this take wrote, or the one a retried take finds. */
export interface InventoryAllocation {
  id: string;
  region: string;
  /** What it holds (node ids, VLAN id, drive ids, Ceph cluster, pool and size). */
  detail: Record<string, unknown>;
  releasedAt: Date | null;
}

interface AllocationRow extends Record<string, unknown> {
  id: string;
  region: string;
  detail: Record<string, unknown>;
  released_at: Date | null;
}

async function take(tx: TenantTx, call: SQL): Promise<InventoryAllocation> {
  const { rows } = await tx.execute<AllocationRow>(sql`select id, region, detail, released_at from ${call}`);
  const [row] = rows;
  if (!row?.id) throw new Error("an inventory take returned no allocation");
  return { id: row.id, region: row.region, detail: row.detail, releasedAt: row.released_at };
}

/** True if this call released the allocation, false if there was nothing (left) to release. */
async function give(tx: TenantTx, call: SQL): Promise<boolean> {
  const { rows } = await tx.execute<{ released: boolean }>(sql`select ${call} as released`);
  return rows[0]?.released === true;
}

export const inventoryFunctions = {
  /** One shared-cluster slot of the region. */
  takeClusterSlot: (tx: TenantTx, r: InventoryTake) =>
    take(tx, sql`platforma_take_cluster_slot(${r.tenantId}, ${r.requestKey}, ${r.clusterId}, ${r.region})`),
  releaseClusterSlot: (tx: TenantTx, r: InventoryKey) =>
    give(tx, sql`platforma_release_cluster_slot(${r.tenantId}, ${r.requestKey})`),

  /** `count` free dedicated nodes of the region. */
  takeNodes: (tx: TenantTx, r: InventoryTake & { count: number }) =>
    take(
      tx,
      sql`platforma_take_nodes(${r.tenantId}, ${r.requestKey}, ${r.clusterId}, ${r.region}, ${r.count}::int)`,
    ),
  releaseNodes: (tx: TenantTx, r: InventoryKey) =>
    give(tx, sql`platforma_release_nodes(${r.tenantId}, ${r.requestKey})`),

  /** One free VLAN id of the region's range. */
  takeVlan: (tx: TenantTx, r: InventoryTake) =>
    take(tx, sql`platforma_take_vlan(${r.tenantId}, ${r.requestKey}, ${r.clusterId}, ${r.region})`),
  releaseVlan: (tx: TenantTx, r: InventoryKey) =>
    give(tx, sql`platforma_release_vlan(${r.tenantId}, ${r.requestKey})`),

  /** Enough whole free NVMe drives of the region for `sizeTb`. */
  takeNvmeDrives: (tx: TenantTx, r: InventoryTake & { sizeTb: number }) =>
    take(
      tx,
      sql`platforma_take_nvme_drives(${r.tenantId}, ${r.requestKey}, ${r.clusterId}, ${r.region}, ${r.sizeTb}::int)`,
    ),
  releaseNvmeDrives: (tx: TenantTx, r: InventoryKey) =>
    give(tx, sql`platforma_release_nvme_drives(${r.tenantId}, ${r.requestKey})`),

  /** `sizeTb` on the least used Ceph cluster of the region with room for it. */
  takeCephTb: (tx: TenantTx, r: InventoryTake & { sizeTb: number }) =>
    take(
      tx,
      sql`platforma_take_ceph_tb(${r.tenantId}, ${r.requestKey}, ${r.clusterId}, ${r.region}, ${r.sizeTb}::int)`,
    ),
  releaseCephTb: (tx: TenantTx, r: InventoryKey) =>
    give(tx, sql`platforma_release_ceph_tb(${r.tenantId}, ${r.requestKey})`),
};
