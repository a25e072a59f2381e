import type { QuotaLimits, TenantId, TenantState } from "@platforma/contracts";
import type { tenants } from "@platforma/db";

export interface TenantDto {
  id: TenantId;
  name: string;
  state: TenantState;
  allowedRegions: string[];
  dedicatedEntitled: boolean;
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
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    ...(quotas ? { quotas } : {}),
  };
}
