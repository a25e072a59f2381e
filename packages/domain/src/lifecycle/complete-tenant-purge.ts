import { eq, sql } from "drizzle-orm";
import { DomainError, type EventData, type TenantId } from "@platforma/contracts";
import { tableName, tenants, tenantTablesInDeleteOrder, type SystemDb } from "@platforma/db";
import { appendEvent } from "@platforma/events";

export type PurgeReport = Omit<EventData<"tenant.purged.v1">, "tenantId" | "purgedAt">;

/** What is left of a purged tenant's name: nothing that identifies anyone. */
export const TOMBSTONE_NAME = "purged tenant";

/**
 * Turns the tenants row into a tombstone (purged_at set, name and reason gone, state deleted) and
 * writes `tenant.purged` with the verification's counts, in one transaction. It runs after the
 * purge deleted the tenant's outbox rows, so this event is the one row of the tenant left in the
 * outbox, for the relay to publish. A second call finds the tombstone and writes nothing.
 *
 * The tenants row lock (FOR UPDATE) waits for every write of the tenant still in flight, and from
 * its commit on the tenant write guard refuses every write (docs/decisions/tenant-write-guard.md).
 * A row that slipped in after the verification is deleted here, under the lock, and counted, so
 * "nothing is left" holds from the tombstone on.
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
    const rows = { ...report.rows };
    for (const table of tenantTablesInDeleteOrder()) {
      const late = await tx.execute(sql`delete from ${table} where tenant_id = ${tenantId}`);
      const name = tableName(table);
      const n = late.rowCount ?? 0;
      if (n > 0) rows[name] = { deleted: (rows[name]?.deleted ?? 0) + n, remaining: 0 };
    }
    const purgedAt = new Date();
    // Written before the tombstone: once purged_at is set, the guard refuses the tenant's rows.
    await appendEvent(tx, tenantId, "tenant.purged.v1", {
      tenantId,
      purgedAt: purgedAt.toISOString(),
      ...report,
      rows,
    });
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
    return purgedAt.toISOString();
  });
}
