import { DomainError, type TenantId } from "@platforma/contracts";
import { withTenant, type AppDb } from "@platforma/db";
import { appendEvent } from "@platforma/events";

/**
 * Runs an admitting use case; when it is refused for quota, records `quota.rejected` in a
 * transaction of its own (the refused one rolled back, taking everything it wrote with it) and
 * rethrows the refusal unchanged.
 */
export async function recordingQuotaRejections<T>(
  db: AppDb,
  tenantId: TenantId,
  operation: string,
  admit: () => Promise<T>,
): Promise<T> {
  try {
    return await admit();
  } catch (err) {
    if (err instanceof DomainError && err.reason === "quota_exceeded") {
      await withTenant(db, tenantId, (tx) =>
        appendEvent(tx, tenantId, "quota.rejected.v1", {
          operation,
          violations: err.details.violations ?? [],
        }),
      );
    }
    throw err;
  }
}
