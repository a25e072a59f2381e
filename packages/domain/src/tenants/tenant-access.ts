import { eq } from "drizzle-orm";
import type { TenantId, TenantState } from "@platforma/contracts";
import { tenants, type SystemDb } from "@platforma/db";

export interface TenantAccessInfo {
  id: TenantId;
  state: TenantState;
  allowedRegions: string[];
  dedicatedEntitled: boolean;
  /** The operator's per-tenant request rate, or null for the API's default (each field on its own). */
  requestRate: { perSecond: number | null; burst: number | null };
}

export interface TenantAccessReader {
  /** The tenant's current state and entitlements, or null if it does not exist. */
  get(id: TenantId): Promise<TenantAccessInfo | null>;
  /** Drops a cached entry (called when a transition is known to have happened). */
  invalidate(id: TenantId): void;
}

/**
 * Reads tenant state for the request path with a short-lived cache. The TTL bounds how long a
 * state change can go unnoticed by a process that did not make it (DESIGN §4: within a second);
 * `invalidate` makes it immediate in the process that made it.
 */
export function createTenantAccessReader(db: SystemDb, opts: { ttlMs?: number } = {}): TenantAccessReader {
  const ttlMs = opts.ttlMs ?? 500;
  const cache = new Map<TenantId, { at: number; value: Promise<TenantAccessInfo | null> }>();
  return {
    get(id) {
      const now = Date.now();
      const hit = cache.get(id);
      if (hit && now - hit.at < ttlMs) return hit.value;
      const value = db
        .select({
          id: tenants.id,
          state: tenants.state,
          allowedRegions: tenants.allowedRegions,
          dedicatedEntitled: tenants.dedicatedEntitled,
          perSecond: tenants.requestRateLimit,
          burst: tenants.requestBurst,
        })
        .from(tenants)
        .where(eq(tenants.id, id))
        .then((rows) => {
          const row = rows[0];
          if (!row) return null;
          const { perSecond, burst, ...rest } = row;
          return { ...rest, requestRate: { perSecond, burst } };
        });
      cache.set(id, { at: now, value });
      value.catch(() => cache.delete(id));
      if (cache.size > 10_000) cache.delete(cache.keys().next().value as TenantId);
      return value;
    },
    invalidate(id) {
      cache.delete(id);
    },
  };
}
