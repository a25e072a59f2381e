import { inArray } from "drizzle-orm";
import type { QuotaRequest, TenantId } from "@platforma/contracts";
import {
  clusters,
  instances,
  networks,
  OPEN_ORDER_STATES,
  orders,
  QUOTA_HOLDING_STATES,
  storagePools,
  withTenant,
  type AppDb,
} from "@platforma/db";
import { releaseQuota } from "../quotas/admit-quota.ts";

export interface ComputeReleased {
  clusters: number;
  instances: number;
  storagePools: number;
}

/**
 * After the provider released everything: the tenant's clusters, instances and storage pools are
 * marked deleted (the rows stay, as data), what they held goes back to the quotas, and orders still
 * in flight are failed so a late workflow step cannot bring a resource back. Idempotent: a second
 * run finds nothing holding.
 */
export async function markComputeReleased(db: AppDb, tenantId: TenantId): Promise<ComputeReleased> {
  const holding = [...QUOTA_HOLDING_STATES];
  const deleted = { state: "deleted" as const, updatedAt: new Date() };
  return withTenant(db, tenantId, async (tx) => {
    const c = await tx
      .update(clusters)
      .set(deleted)
      .where(inArray(clusters.state, holding))
      .returning({ id: clusters.id, tb: clusters.storageTb });
    await tx.update(networks).set(deleted).where(inArray(networks.state, holding));
    const i = await tx
      .update(instances)
      .set(deleted)
      .where(inArray(instances.state, holding))
      .returning({ cpu: instances.cpuCores, mem: instances.memoryGb });
    const s = await tx
      .update(storagePools)
      .set(deleted)
      .where(inArray(storagePools.state, holding))
      .returning({ tb: storagePools.sizeTb });
    await tx
      .update(orders)
      .set({
        state: "failed",
        errorReason: "tenant_archived",
        errorMessage: "the tenant's compute was released",
        updatedAt: new Date(),
      })
      .where(inArray(orders.state, [...OPEN_ORDER_STATES]));
    const giveBack: QuotaRequest = {
      max_clusters: c.length,
      max_instances: i.length,
      max_cpu_cores: i.reduce((n, r) => n + r.cpu, 0),
      max_memory_gb: i.reduce((n, r) => n + r.mem, 0),
      // Dedicated clusters' own storage counts like pools.
      max_storage_tb: s.reduce((n, r) => n + r.tb, 0) + c.reduce((n, r) => n + r.tb, 0),
    };
    await releaseQuota(tx, tenantId, giveBack);
    return { clusters: c.length, instances: i.length, storagePools: s.length };
  });
}
