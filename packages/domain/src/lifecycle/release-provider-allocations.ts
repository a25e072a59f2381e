import { and, count, desc, eq, isNotNull, isNull } from "drizzle-orm";
import type { TenantId } from "@platforma/contracts";
import { allocations, withTenant, type AppDb } from "@platforma/db";
import { resourceIdOfKey, type ProviderDriver } from "@platforma/providers";

/**
 * Releases every provider allocation the tenant still holds, one driver call per allocation, by
 * the allocation's own request key (so a release repeated after a crash is harmless). This is the
 * one place the archive and the purge deprovision infrastructure: a new kind of allocation
 * (dedicated nodes, VLANs, …) gets its case here, and an unknown kind fails loudly rather than
 * being left running.
 */
export async function releaseProviderAllocations(
  db: AppDb,
  provider: ProviderDriver,
  tenantId: TenantId,
  onReleased: (released: number) => void = () => {},
): Promise<number> {
  const held = await withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(allocations)
      .where(and(eq(allocations.tenantId, tenantId), isNull(allocations.releasedAt)))
      // Newest first: what was built last (registration, storage, firewall) goes before what it
      // stands on (VLAN, nodes), as in a cluster's own deprovisioning.
      .orderBy(desc(allocations.createdAt)),
  );
  let released = 0;
  for (const a of held) {
    const dedicated = { tenantId, clusterId: a.clusterId, region: a.region, requestKey: a.requestKey };
    switch (a.kind) {
      case "registration":
        await provider.deregisterCluster(dedicated);
        break;
      case "ceph-pool":
        await provider.deleteCephPool(dedicated);
        break;
      case "nvme-drives":
        await provider.detachNvmeDrives(dedicated);
        break;
      case "firewall":
        await provider.removeFirewallRules(dedicated);
        break;
      case "vlan":
        await provider.deleteVlan(dedicated);
        break;
      case "dedicated-nodes":
        await provider.releaseNodes(dedicated);
        break;
      case "shared-cluster":
        await provider.releaseCluster({
          tenantId,
          clusterId: a.clusterId,
          region: a.region,
          requestKey: a.requestKey,
        });
        break;
      case "instance":
      case "storagePool":
        await provider.releaseResource({
          tenantId,
          clusterId: a.clusterId,
          kind: a.kind,
          resourceId: resourceIdOfKey(a.kind, a.requestKey),
          requestKey: a.requestKey,
        });
        break;
      default:
        throw new Error(`cannot release allocation ${a.id} of unknown kind ${a.kind}`);
    }
    released += 1;
    onReleased(released);
  }
  return released;
}

/** Allocations of the tenant the provider has released (all of them, once the release step ran). */
export async function countReleasedAllocations(db: AppDb, tenantId: TenantId): Promise<number> {
  const [row] = await withTenant(db, tenantId, (tx) =>
    tx.select({ n: count() }).from(allocations).where(isNotNull(allocations.releasedAt)),
  );
  return row?.n ?? 0;
}
