import { and, eq, inArray, sql } from "drizzle-orm";
import {
  DomainError,
  type QuotaName,
  type QuotaRequest,
  type QuotaViolation,
  type TenantId,
} from "@platforma/contracts";
import { tenantQuotas, type Tx } from "@platforma/db";

export function quotaEntries(request: QuotaRequest): [QuotaName, number][] {
  return (Object.entries(request) as [QuotaName, number][])
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b));
}

/**
 * What `request` would violate against the tenant's quotas. With `lock`, the rows it touches stay
 * locked until the caller's transaction ends, taken in name order so two admissions touching
 * several quotas cannot deadlock; no concurrent admission can read them meanwhile.
 */
export async function quotaViolations(
  tx: Tx,
  tenantId: TenantId,
  request: QuotaRequest,
  opts: { lock: boolean },
): Promise<QuotaViolation[]> {
  const wanted = quotaEntries(request);
  if (wanted.length === 0) return [];
  const query = tx
    .select({ quota: tenantQuotas.quota, limit: tenantQuotas.limit, used: tenantQuotas.used })
    .from(tenantQuotas)
    .where(
      and(
        eq(tenantQuotas.tenantId, tenantId),
        inArray(
          tenantQuotas.quota,
          wanted.map(([q]) => q),
        ),
      ),
    )
    .orderBy(tenantQuotas.quota);
  return violationsOf(opts.lock ? await query.for("update") : await query, wanted);
}

/** One violation per requested quota that would go over its limit; a missing row means limit 0. */
function violationsOf(
  rows: { quota: QuotaName; limit: number; used: number }[],
  wanted: [QuotaName, number][],
): QuotaViolation[] {
  const byName = new Map(rows.map((r) => [r.quota, r]));
  const violations: QuotaViolation[] = [];
  for (const [quota, requested] of wanted) {
    const row = byName.get(quota);
    const limit = row?.limit ?? 0;
    const used = row?.used ?? 0;
    if (used + requested > limit) violations.push({ quota, limit, used, requested });
  }
  return violations;
}

/**
 * Admits `request` against the tenant's quotas inside the caller's transaction: all of it or
 * nothing. Throws `quota_exceeded` with one violation per exceeded quota.
 */
export async function admitQuota(tx: Tx, tenantId: TenantId, request: QuotaRequest): Promise<void> {
  const violations = await quotaViolations(tx, tenantId, request, { lock: true });
  if (violations.length > 0) {
    throw new DomainError("quota_exceeded", `quota exceeded: ${violations.map((v) => v.quota).join(", ")}`, {
      violations,
    });
  }
  for (const [quota, n] of quotaEntries(request)) {
    await tx
      .update(tenantQuotas)
      .set({ used: sql`${tenantQuotas.used} + ${n}`, updatedAt: new Date() })
      .where(and(eq(tenantQuotas.tenantId, tenantId), eq(tenantQuotas.quota, quota)));
  }
}

/** Gives back what an admission took. Never drops below zero. */
export async function releaseQuota(tx: Tx, tenantId: TenantId, request: QuotaRequest): Promise<void> {
  for (const [quota, n] of quotaEntries(request)) {
    await tx
      .update(tenantQuotas)
      .set({ used: sql`greatest(${tenantQuotas.used} - ${n}, 0)`, updatedAt: new Date() })
      .where(and(eq(tenantQuotas.tenantId, tenantId), eq(tenantQuotas.quota, quota)));
  }
}
