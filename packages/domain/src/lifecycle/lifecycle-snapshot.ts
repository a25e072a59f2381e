import { eq } from "drizzle-orm";
import { DomainError, type LifecycleSnapshot, type TenantId } from "@platforma/contracts";
import { tenants, type SystemDb } from "@platforma/db";

/** The tenant's lifecycle state as the lifecycle workflow starts from it. */
export async function readLifecycleSnapshot(db: SystemDb, tenantId: TenantId): Promise<LifecycleSnapshot> {
  const [row] = await db
    .select({
      state: tenants.state,
      stateVersion: tenants.stateVersion,
      purgeAfter: tenants.purgeAfter,
      purgedAt: tenants.purgedAt,
    })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  if (!row) throw new DomainError("not_found", `tenant ${tenantId} not found`);
  return {
    state: row.state,
    stateVersion: row.stateVersion,
    purgeAfter: row.purgeAfter?.getTime() ?? null,
    purged: row.purgedAt !== null,
  };
}
