import { log, proxyActivities } from "@temporalio/workflow";
import type { QuotaActivities } from "../activities/quotas.ts";
import { DB_STEP } from "./activity-presets.ts";

const db = proxyActivities<QuotaActivities>(DB_STEP);

/** Tenants per activity: small enough to finish well inside the activity timeout. */
const BATCH = 50;

/** Recounts every tenant's usage from the resource tables and repairs drift (run by a schedule). */
export async function reconcileQuotas(): Promise<{ tenants: number; corrections: number }> {
  const tenantIds = await db.listTenantsToReconcile();
  let corrections = 0;
  for (let i = 0; i < tenantIds.length; i += BATCH) {
    corrections += await db.reconcileTenantUsage(tenantIds.slice(i, i + BATCH));
  }
  if (corrections > 0) log.warn("quota usage drift repaired", { corrections });
  return { tenants: tenantIds.length, corrections };
}
