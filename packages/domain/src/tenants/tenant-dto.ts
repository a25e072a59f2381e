import type { QuotaLimits, TenantId, TenantState } from "@platforma/contracts";
import type { tenants } from "@platforma/db";

export interface TenantDto {
  id: TenantId;
  name: string;
  state: TenantState;
  allowedRegions: string[];
  dedicatedEntitled: boolean;
  /** Why the tenant is in its state (e.g. the suspension reason). */
  stateReason: string | null;
  /** The state before the last transition (what a cancelled deletion returns to). */
  previousState: TenantState | null;
  /** Per-tenant retention override for deletion; null means the platform default. */
  retentionDays: number | null;
  deletionRequestedAt: string | null;
  /** When a pending deletion's purge runs. */
  purgeAfter: string | null;
  /** Set once purged: the row is then a tombstone. */
  purgedAt: string | null;
  /** The operator's request rate for the tenant; a null field means the API's default. */
  requestRate: { perSecond: number | null; burst: number | null };
  createdAt: string;
  updatedAt: string;
  quotas?: QuotaLimits;
}

export function toTenantDto(row: typeof tenants.$inferSelect, quotas?: QuotaLimits): TenantDto {
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    allowedRegions: row.allowedRegions,
    dedicatedEntitled: row.dedicatedEntitled,
    stateReason: row.stateReason,
    previousState: row.previousState,
    retentionDays: row.retentionDays,
    deletionRequestedAt: row.deletionRequestedAt?.toISOString() ?? null,
    purgeAfter: row.purgeAfter?.toISOString() ?? null,
    purgedAt: row.purgedAt?.toISOString() ?? null,
    requestRate: { perSecond: row.requestRateLimit, burst: row.requestBurst },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    ...(quotas ? { quotas } : {}),
  };
}
