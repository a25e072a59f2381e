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
 *
 * Each quota is taken by one conditional `UPDATE … WHERE used + n <= limit`: the check and the
 * raise are one statement on the locked row, so admission stays exact under any burst, and the
 * row lock (which every admission of the tenant queues on until commit) is taken in one round trip
 * instead of a locking read and a write. Quotas go in name order so two admissions touching several
 * cannot deadlock. Call it as late in the transaction as possible: what follows it runs while the
 * tenant's other admissions wait.
 */
export async function admitQuota(tx: Tx, tenantId: TenantId, request: QuotaRequest): Promise<void> {
  const wanted = quotaEntries(request);
  const raised = new Map<QuotaName, number>();
  for (const [quota, n] of wanted) {
    const admitted = await tx
      .update(tenantQuotas)
      .set({ used: sql`${tenantQuotas.used} + ${n}`, updatedAt: new Date() })
      .where(
        and(
          eq(tenantQuotas.tenantId, tenantId),
          eq(tenantQuotas.quota, quota),
          sql`${tenantQuotas.used} + ${n} <= ${tenantQuotas.limit}`,
        ),
      )
      .returning({ quota: tenantQuotas.quota });
    if (admitted.length > 0) {
      raised.set(quota, n);
      continue;
    }
    // Refused: the transaction is about to roll back (undoing the quotas raised so far), so the
    // report is read without locks, for every requested quota, as it stood before this admission.
    // The refused quota is reported even if a release raced in since: it was over when checked.
    const rows = await tx
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
      );
    const before = rows.map((row) => ({ ...row, used: row.used - (raised.get(row.quota) ?? 0) }));
    const violations = violationsOf(before, wanted);
    if (!violations.some((v) => v.quota === quota)) {
      const row = before.find((r) => r.quota === quota);
      violations.push({ quota, limit: row?.limit ?? 0, used: row?.used ?? 0, requested: n });
    }
    throw new DomainError("quota_exceeded", `quota exceeded: ${violations.map((v) => v.quota).join(", ")}`, {
      violations,
    });
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
