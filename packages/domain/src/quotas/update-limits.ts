import { eq, sql } from "drizzle-orm";
import { DomainError, QUOTA_NAMES, type QuotaLimits, type TenantId } from "@platforma/contracts";
import { tenantQuotas, tenants, type SystemDb } from "@platforma/db";
import { appendEvent } from "@platforma/events";

/**
 * Operator use case. Lowering a limit below current usage is allowed: it blocks new admissions
 * and changes nothing that exists.
 */
export async function updateQuotaLimits(
  db: SystemDb,
  tenantId: TenantId,
  changes: Partial<QuotaLimits>,
  updatedBy: string,
): Promise<QuotaLimits> {
  return db.transaction(async (tx) => {
    const [tenant] = await tx
      .select({ id: tenants.id })
      .from(tenants)
      .where(eq(tenants.id, tenantId))
      .for("update");
    if (!tenant) throw new DomainError("not_found", `tenant ${tenantId} not found`);
    const rows = await tx
      .select()
      .from(tenantQuotas)
      .where(eq(tenantQuotas.tenantId, tenantId))
      .for("update");
    const previous = Object.fromEntries(QUOTA_NAMES.map((q) => [q, 0])) as QuotaLimits;
    for (const r of rows) previous[r.quota] = r.limit;
    const limits: QuotaLimits = { ...previous };
    for (const quota of QUOTA_NAMES) {
      const value = changes[quota];
      if (value === undefined) continue;
      limits[quota] = value;
      await tx
        .insert(tenantQuotas)
        .values({ tenantId, quota, limit: value })
        .onConflictDoUpdate({
          target: [tenantQuotas.tenantId, tenantQuotas.quota],
          set: { limit: value, updatedAt: sql`now()` },
        });
    }
    await appendEvent(tx, tenantId, "quota.limits_updated.v1", { previous, limits, updatedBy });
    return limits;
  });
}
