import { DEFAULT_QUOTAS, newId, QUOTA_NAMES, type QuotaLimits, type TenantId } from "@platforma/contracts";
import { tenantQuotas, tenants, type SystemDb } from "@platforma/db";
import { appendEvent } from "@platforma/events";
import { toTenantDto, type TenantDto } from "./tenant-dto.ts";

export interface CreateTenantInput {
  name: string;
  allowedRegions: string[];
  dedicatedEntitled?: boolean;
  quotas?: Partial<QuotaLimits>;
}

/** Operator use case: the tenant, its seven quota rows and `tenant.created` in one transaction. */
export async function createTenant(db: SystemDb, input: CreateTenantInput): Promise<TenantDto> {
  const id: TenantId = newId("tenant");
  const limits: QuotaLimits = { ...DEFAULT_QUOTAS, ...input.quotas };
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(tenants)
      .values({
        id,
        name: input.name,
        allowedRegions: [...new Set(input.allowedRegions)],
        dedicatedEntitled: input.dedicatedEntitled ?? false,
      })
      .returning();
    if (!row) throw new Error("tenant insert returned no row");
    await tx
      .insert(tenantQuotas)
      .values(QUOTA_NAMES.map((quota) => ({ tenantId: id, quota, limit: limits[quota] })));
    await appendEvent(tx, id, "tenant.created.v1", {
      tenantId: id,
      name: row.name,
      allowedRegions: row.allowedRegions,
    });
    return toTenantDto(row, limits);
  });
}
