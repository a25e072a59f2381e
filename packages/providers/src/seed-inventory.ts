import {
  cephClusters,
  nvmeDrives,
  providerNodes,
  providerVlans,
  regions,
  type SystemDb,
} from "@platforma/db";

export interface RegionInventory {
  name: string;
  displayName: string;
  /** Shared-placement clusters the region can host. */
  clusterSlots: number;
  /** Dedicated physical nodes, all of one shape. */
  nodes: { count: number; cores: number; memoryGb: number };
  /** The region's VLAN id range for dedicated networks, inclusive. */
  vlans: { from: number; to: number };
  /** Capacity of each Ceph cluster, in TB. */
  cephClustersTb: number[];
  nvmeDrives: { count: number; sizeTb: number };
}

const standard = (name: string, displayName: string, scale = 1): RegionInventory => ({
  name,
  displayName,
  clusterSlots: 10_000 * scale,
  nodes: { count: 48 * scale, cores: 64, memoryGb: 512 },
  vlans: { from: 1000, to: 1000 + 512 * scale - 1 },
  cephClustersTb: [800, 800],
  nvmeDrives: { count: 96 * scale, sizeTb: 8 },
});

/** A small but realistic inventory for the local stack and tests. */
export const DEFAULT_INVENTORY: readonly RegionInventory[] = [
  standard("eu-central-1", "Frankfurt", 2),
  standard("eu-west-1", "Dublin"),
  standard("us-east-1", "N. Virginia", 2),
  standard("ap-southeast-1", "Singapore"),
];

const pad = (n: number) => String(n).padStart(4, "0");

/** Inserts what is missing; never touches existing rows (or who holds them). Idempotent. */
export async function seedInventory(
  db: SystemDb,
  inventory: readonly RegionInventory[] = DEFAULT_INVENTORY,
): Promise<void> {
  for (const r of inventory) {
    await db.transaction(async (tx) => {
      await tx
        .insert(regions)
        .values({ name: r.name, displayName: r.displayName, clusterSlots: r.clusterSlots })
        .onConflictDoNothing();
      const nodes = Array.from({ length: r.nodes.count }, (_, i) => ({
        id: `node-${r.name}-${pad(i + 1)}`,
        region: r.name,
        cores: r.nodes.cores,
        memoryGb: r.nodes.memoryGb,
      }));
      if (nodes.length) await tx.insert(providerNodes).values(nodes).onConflictDoNothing();
      const vlans = Array.from({ length: r.vlans.to - r.vlans.from + 1 }, (_, i) => ({
        region: r.name,
        vlanId: r.vlans.from + i,
      }));
      if (vlans.length) await tx.insert(providerVlans).values(vlans).onConflictDoNothing();
      const ceph = r.cephClustersTb.map((capacityTb, i) => ({
        id: `ceph-${r.name}-${i + 1}`,
        region: r.name,
        capacityTb,
      }));
      if (ceph.length) await tx.insert(cephClusters).values(ceph).onConflictDoNothing();
      const drives = Array.from({ length: r.nvmeDrives.count }, (_, i) => ({
        id: `nvme-${r.name}-${pad(i + 1)}`,
        region: r.name,
        sizeTb: r.nvmeDrives.sizeTb,
      }));
      if (drives.length) await tx.insert(nvmeDrives).values(drives).onConflictDoNothing();
    });
  }
}
