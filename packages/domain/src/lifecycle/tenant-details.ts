import type { RunningTransition, TenantId } from "@platforma/contracts";
import type { SystemDb } from "@platforma/db";
import { getTenantQuotaUsage, type QuotaUsage } from "../quotas/read-quotas.ts";
import { getTenant } from "../tenants/read-tenants.ts";
import type { TenantDto } from "../tenants/tenant-dto.ts";
import type { TenantLifecycleClient } from "./tenant-lifecycle-client.ts";

/** A transition in progress as the API shows it: times in ISO 8601, like every other timestamp. */
export type RunningTransitionDto = Omit<RunningTransition, "startedAt"> & { startedAt: string };

export interface TenantDetailsDto extends TenantDto {
  /** The lifecycle transition in progress (e.g. an archive exporting, a purge), if any. */
  transition: RunningTransitionDto | null;
  /** Each quota's usage against its limit, as the tenant sees it through `quotas.get`. */
  usage: QuotaUsage[];
}

/** Operator view of one tenant: its row, quotas with usage and what its lifecycle workflow is doing. */
export async function getTenantDetails(
  deps: { systemDb: SystemDb; lifecycle: TenantLifecycleClient },
  tenantId: TenantId,
): Promise<TenantDetailsDto> {
  const [tenant, status, usage] = await Promise.all([
    getTenant(deps.systemDb, tenantId),
    deps.lifecycle.status(tenantId),
    getTenantQuotaUsage(deps.systemDb, tenantId),
  ]);
  const running = status?.running ?? null;
  // The workflow keeps epoch milliseconds (its own clock); the API speaks ISO 8601.
  const transition = running ? { ...running, startedAt: new Date(running.startedAt).toISOString() } : null;
  return { ...tenant, transition, usage };
}
