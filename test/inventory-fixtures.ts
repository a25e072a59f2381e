import { eq, like, sql } from "drizzle-orm";
import { cephClusters, nvmeDrives, providerNodes, providerVlans, type SystemDb } from "@platforma/db";
import { seedInventory } from "@platforma/providers";

const letters = () =>
  Array.from(globalThis.crypto.getRandomValues(new Uint8Array(8)), (b) =>
    String.fromCharCode(97 + (b % 26)),
  ).join("");

export interface TestRegionShape {
  nodes?: number;
  vlans?: number;
  cephTb?: number[];
  nvmeDrives?: number;
}

/** A region of its own for one test, so capacity and exclusivity are checked without neighbours. */
export async function seedTestRegion(db: SystemDb, shape: TestRegionShape = {}): Promise<string> {
  const name = `tx-${letters()}-1`;
  await seedInventory(db, [
    {
      name,
      displayName: `test region ${name}`,
      clusterSlots: 100,
      nodes: { count: shape.nodes ?? 8, cores: 32, memoryGb: 256 },
      vlans: { from: 100, to: 100 + (shape.vlans ?? 8) - 1 },
      cephClustersTb: shape.cephTb ?? [100],
      nvmeDrives: { count: shape.nvmeDrives ?? 8, sizeTb: 4 },
    },
  ]);
  return name;
}

/** Who holds what in a region: holder (allocation request key) per inventory row. */
export async function regionHoldings(db: SystemDb, region: string) {
  const nodes = await db
    .select({ id: providerNodes.id, holder: providerNodes.holder })
    .from(providerNodes)
    .where(eq(providerNodes.region, region));
  const vlans = await db
    .select({ id: providerVlans.vlanId, holder: providerVlans.holder })
    .from(providerVlans)
    .where(eq(providerVlans.region, region));
  const drives = await db
    .select({ id: nvmeDrives.id, holder: nvmeDrives.holder })
    .from(nvmeDrives)
    .where(eq(nvmeDrives.region, region));
  const [ceph] = await db
    .select({ usedTb: sql<number>`coalesce(sum(${cephClusters.usedTb}), 0)::int` })
    .from(cephClusters)
    .where(like(cephClusters.region, region));
  const held = <T extends { holder: string | null }>(rows: T[]) => rows.filter((r) => r.holder !== null);
  return {
    nodes: held(nodes),
    vlans: held(vlans),
    drives: held(drives),
    cephUsedTb: ceph?.usedTb ?? 0,
    nothingHeld() {
      return (
        held(nodes).length === 0 &&
        held(vlans).length === 0 &&
        held(drives).length === 0 &&
        (ceph?.usedTb ?? 0) === 0
      );
    },
  };
}
