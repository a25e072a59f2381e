import { and, eq, isNull } from "drizzle-orm";
import { DomainError, type TenantId } from "@platforma/contracts";
import { tenants, type SystemDb } from "@platforma/db";
import { toTenantDto, type TenantDto } from "./tenant-dto.ts";

/**
 * Operator use case: the tenant's request rate, or back to the API's default with null. API
 * processes pick it up with the tenant's state, within the state cache's lifetime.
 */
export async function updateRequestRate(
  db: SystemDb,
  tenantId: TenantId,
  rate: { perSecond?: number | null | undefined; burst?: number | null | undefined },
): Promise<TenantDto> {
  const [row] = await db
    .update(tenants)
    .set({
      ...(rate.perSecond !== undefined ? { requestRateLimit: rate.perSecond } : {}),
      ...(rate.burst !== undefined ? { requestBurst: rate.burst } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(tenants.id, tenantId), isNull(tenants.purgedAt)))
    .returning();
  if (!row) throw new DomainError("not_found", `tenant ${tenantId} not found`);
  return toTenantDto(row);
}
