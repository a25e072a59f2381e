import { sql } from "drizzle-orm";
import { DomainError, type TenantId } from "@platforma/contracts";
import type { SystemDb } from "@platforma/db";

export interface RequestRate {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests above the rate that may arrive at once (the bucket's size). */
  burst: number;
}

export interface RequestLimiter {
  /** Takes one request from the tenant's bucket, or refuses with `rate_limited` (429) and `Retry-After`. */
  take(tenantId: TenantId, rate: RequestRate): Promise<void>;
}

/**
 * A token bucket per tenant in Postgres, so the limit holds across API processes. One statement
 * per request: refill by the time since the last take (up to the burst), then take one token if
 * there is one. The bucket row is locked only for that statement, so a hot tenant's requests queue
 * on their own row, never on another tenant's. A refused request changes nothing.
 *
 * Why not `rate-limiter-flexible`'s Postgres store, which the credential throttle's memory limiter
 * comes from: its stores count fixed windows keyed by an opaque string in a table of their own, so
 * a burst may double at a window's edge, and the rows would sit outside row-level security and the
 * purge. A bucket is one `INSERT … ON CONFLICT` with the tenant as its key.
 */
export function createRequestLimiter(db: SystemDb): RequestLimiter {
  return {
    async take(tenantId, { perSecond, burst }) {
      const available = sql`least(${burst}::float8, b.tokens + extract(epoch from now() - b.refilled_at) * ${perSecond}::float8)`;
      const taken = await db.execute<{ tokens: number }>(sql`
        insert into tenant_request_budgets as b (tenant_id, tokens, refilled_at)
        values (${tenantId}, ${burst}::float8 - 1, now())
        on conflict (tenant_id) do update
          set tokens = ${available} - 1, refilled_at = now()
          where ${available} >= 1
        returning tokens`);
      if (taken.rows.length > 0) return;
      const [left] = (
        await db.execute<{ available: number }>(sql`
          select ${available} as available from tenant_request_budgets b where b.tenant_id = ${tenantId}`)
      ).rows;
      const waitSeconds = (1 - Number(left?.available ?? 0)) / perSecond;
      throw new DomainError("rate_limited", `more than ${perSecond} requests per second; retry shortly`, {
        limit: { requestsPerSecond: perSecond, burst },
        retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)),
      });
    },
  };
}
