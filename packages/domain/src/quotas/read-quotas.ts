import { eq } from "drizzle-orm";
import {
  QUOTA_NAMES,
  type QuotaName,
  type QuotaRequest,
  type QuotaViolation,
  type TenantId,
} from "@platforma/contracts";
import { tenantQuotas, withTenant, type AppDb, type SystemDb } from "@platforma/db";
import { quotaViolations } from "./admit-quota.ts";

export interface QuotaUsage {
  quota: QuotaName;
  limit: number;
  used: number;
  /** How much more fits; zero when usage is at or above a (lowered) limit. */
  headroom: number;
}

/** Every quota in catalogue order; one without a row (a purged tenant) reads as zero of zero. */
function usageOf(rows: { quota: QuotaName; limit: number; used: number }[]): QuotaUsage[] {
  const byName = new Map(rows.map((r) => [r.quota, r]));
  return QUOTA_NAMES.map((quota) => {
    const row = byName.get(quota);
    const limit = row?.limit ?? 0;
    const used = row?.used ?? 0;
    return { quota, limit, used, headroom: Math.max(limit - used, 0) };
  });
}

export async function getQuotas(db: AppDb, tenantId: TenantId): Promise<QuotaUsage[]> {
  return usageOf(await withTenant(db, tenantId, (tx) => tx.select().from(tenantQuotas)));
}

/** Operator use case: the same view of any tenant, read through the system handle. */
export async function getTenantQuotaUsage(db: SystemDb, tenantId: TenantId): Promise<QuotaUsage[]> {
  return usageOf(await db.select().from(tenantQuotas).where(eq(tenantQuotas.tenantId, tenantId)));
}

/** A dry run of admission: the same violations a real request would get, nothing reserved or locked. */
export async function checkQuota(
  db: AppDb,
  tenantId: TenantId,
  request: QuotaRequest,
): Promise<{ fits: boolean; violations: QuotaViolation[] }> {
  const violations = await withTenant(db, tenantId, (tx) =>
    quotaViolations(tx, tenantId, request, { lock: false }),
  );
  return { fits: violations.length === 0, violations };
}
