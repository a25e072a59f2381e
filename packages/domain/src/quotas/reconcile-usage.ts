import { and, count, eq, inArray, isNull, sql, sum } from "drizzle-orm";
import { QUOTA_NAMES, type QuotaName, type TenantId } from "@platforma/contracts";
import {
  apiKeys,
  clusters,
  instances,
  QUOTA_HOLDING_STATES,
  storagePools,
  tenantQuotas,
  tenants,
  users,
  withTenant,
  type AppDb,
  type SystemDb,
  type TenantTx,
} from "@platforma/db";
import { appendEvent } from "@platforma/events";

export interface UsageCorrection {
  quota: QuotaName;
  recorded: number;
  actual: number;
}

/** Usage recounted from the resource tables: what `tenant_quotas.used` should say. */
async function actualUsage(tx: TenantTx): Promise<Record<QuotaName, number>> {
  const holding = [...QUOTA_HOLDING_STATES];
  // One after the other: a transaction is one connection, which runs one query at a time.
  const [c] = await tx
    .select({ n: count(), tb: sum(clusters.storageTb) })
    .from(clusters)
    .where(inArray(clusters.state, holding));
  const [i] = await tx
    .select({ n: count(), cpu: sum(instances.cpuCores), mem: sum(instances.memoryGb) })
    .from(instances)
    .where(inArray(instances.state, holding));
  const [s] = await tx
    .select({ tb: sum(storagePools.sizeTb) })
    .from(storagePools)
    .where(inArray(storagePools.state, holding));
  const [k] = await tx.select({ n: count() }).from(apiKeys).where(isNull(apiKeys.revokedAt));
  const [u] = await tx.select({ n: count() }).from(users);
  return {
    max_clusters: c?.n ?? 0,
    max_instances: i?.n ?? 0,
    max_cpu_cores: Number(i?.cpu ?? 0),
    max_memory_gb: Number(i?.mem ?? 0),
    // Dedicated clusters' own storage counts as the tenant's storage, like its pools.
    max_storage_tb: Number(s?.tb ?? 0) + Number(c?.tb ?? 0),
    max_api_keys: k?.n ?? 0,
    max_users: u?.n ?? 0,
  };
}

/** What a recount would correct, without correcting it (for checks and reports). */
export async function usageDrift(db: AppDb, tenantId: TenantId): Promise<UsageCorrection[]> {
  return withTenant(db, tenantId, async (tx) => {
    const rows = await tx.select().from(tenantQuotas).where(eq(tenantQuotas.tenantId, tenantId));
    const actual = await actualUsage(tx);
    return rows
      .filter((row) => QUOTA_NAMES.includes(row.quota) && row.used !== actual[row.quota])
      .map((row) => ({ quota: row.quota, recorded: row.used, actual: actual[row.quota] }));
  });
}

/**
 * Recounts the tenant's usage and repairs any drift, emitting `quota.usage_corrected` per fix.
 * The quota rows are locked first, so no admission can interleave with the recount.
 */
export async function reconcileUsage(db: AppDb, tenantId: TenantId): Promise<UsageCorrection[]> {
  return withTenant(db, tenantId, async (tx) => {
    const rows = await tx
      .select()
      .from(tenantQuotas)
      .where(eq(tenantQuotas.tenantId, tenantId))
      .orderBy(tenantQuotas.quota)
      .for("update");
    const actual = await actualUsage(tx);
    const corrections: UsageCorrection[] = [];
    for (const row of rows) {
      if (!QUOTA_NAMES.includes(row.quota) || row.used === actual[row.quota]) continue;
      corrections.push({ quota: row.quota, recorded: row.used, actual: actual[row.quota] });
      await tx
        .update(tenantQuotas)
        .set({ used: actual[row.quota], updatedAt: sql`now()` })
        .where(and(eq(tenantQuotas.tenantId, tenantId), eq(tenantQuotas.quota, row.quota)));
      await appendEvent(tx, tenantId, "quota.usage_corrected.v1", {
        quota: row.quota,
        recorded: row.used,
        actual: actual[row.quota],
      });
    }
    return corrections;
  });
}

/** Tenants whose usage the reconciler looks at (those that can still hold resources). */
export async function tenantsToReconcile(db: SystemDb): Promise<TenantId[]> {
  const rows = await db
    .select({ id: tenants.id })
    .from(tenants)
    .where(inArray(tenants.state, ["active", "suspended", "archived"]))
    .orderBy(tenants.id);
  return rows.map((r) => r.id);
}
