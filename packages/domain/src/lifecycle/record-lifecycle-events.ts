import { eq } from "drizzle-orm";
import type { TenantId } from "@platforma/contracts";
import { tenants, type SystemDb } from "@platforma/db";
import { appendEvent } from "@platforma/events";
import type { ComputeReleased } from "./mark-compute-released.ts";
import type { ArchiveSummary } from "./export-tenant-archive.ts";

/** The archive's export and compute release are done: `tenant.archive_completed`. */
export async function recordArchiveCompleted(
  db: SystemDb,
  tenantId: TenantId,
  archive: ArchiveSummary,
  released: ComputeReleased & { allocations: number },
): Promise<void> {
  await db.transaction((tx) =>
    appendEvent(tx, tenantId, "tenant.archive_completed.v1", {
      tenantId,
      manifestKey: archive.manifestKey,
      rows: archive.rows,
      released,
    }),
  );
}

/** A transition or the purge failed for good: `tenant.transition_failed`, with the state it left. */
export async function recordTransitionFailure(
  db: SystemDb,
  tenantId: TenantId,
  failure: { transition: string; reason: string; message: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select({ state: tenants.state }).from(tenants).where(eq(tenants.id, tenantId));
    if (!row) return;
    await appendEvent(tx, tenantId, "tenant.transition_failed.v1", {
      tenantId,
      state: row.state,
      ...failure,
    });
  });
}
