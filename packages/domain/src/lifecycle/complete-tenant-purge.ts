import { eq } from "drizzle-orm";
import { DomainError, type EventData, type TenantId } from "@platforma/contracts";
import { tenants, type SystemDb } from "@platforma/db";
import { appendEvent } from "@platforma/events";

export type PurgeReport = Omit<EventData<"tenant.purged.v1">, "tenantId" | "purgedAt">;

/** What is left of a purged tenant's name: nothing that identifies anyone. */
export const TOMBSTONE_NAME = "purged tenant";

/**
 * Turns the tenants row into a tombstone (purged_at set, name and reason gone, state deleted) and
 * writes `tenant.purged` with the verification's counts, in one transaction. It runs after the
 * purge deleted the tenant's outbox rows, so this event is the one row of the tenant left in the
 * outbox, for the relay to publish. A second call finds the tombstone and writes nothing.
 */
export async function completeTenantPurge(
  db: SystemDb,
  tenantId: TenantId,
  report: PurgeReport,
): Promise<string> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(tenants).where(eq(tenants.id, tenantId)).for("update");
    if (!row) throw new DomainError("not_found", `tenant ${tenantId} not found`);
    if (row.purgedAt) return row.purgedAt.toISOString();
    const purgedAt = new Date();
    await tx
      .update(tenants)
      .set({
        name: TOMBSTONE_NAME,
        state: "deleted",
        stateReason: null,
        previousState: null,
        stateVersion: row.stateVersion + 1,
        allowedRegions: [],
        dedicatedEntitled: false,
        purgedAt,
        updatedAt: purgedAt,
      })
      .where(eq(tenants.id, tenantId));
    await appendEvent(tx, tenantId, "tenant.purged.v1", {
      tenantId,
      purgedAt: purgedAt.toISOString(),
      ...report,
    });
    return purgedAt.toISOString();
  });
}
