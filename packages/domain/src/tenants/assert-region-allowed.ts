import { eq } from "drizzle-orm";
import { DomainError, type TenantId } from "@platforma/contracts";
import { tenants, type SystemDb } from "@platforma/db";

/**
 * The tenant's allowed regions as they are now. Checked at admission and again inside every
 * provisioning activity, because an operator may narrow them while an order is running.
 */
export async function assertRegionAllowed(db: SystemDb, tenantId: TenantId, region: string): Promise<void> {
  const [tenant] = await db
    .select({ allowedRegions: tenants.allowedRegions })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  if (!tenant?.allowedRegions.includes(region)) {
    throw new DomainError("region_not_allowed", `region ${region} is not allowed for this tenant`, {
      region,
      allowedRegions: tenant?.allowedRegions ?? [],
    });
  }
}
