import type { RunningTransition, TenantId } from "@platforma/contracts";
import type { SystemDb } from "@platforma/db";
import { getTenantQuotaUsage, type QuotaUsage } from "../quotas/read-quotas.ts";
import { getTenant } from "../tenants/read-tenants.ts";
import type { TenantDto } from "../tenants/tenant-dto.ts";
import type { TenantLifecycleClient } from "./tenant-lifecycle-client.ts";

export interface TenantDetailsDto extends TenantDto {
  /** The lifecycle transition in progress (e.g. an archive exporting, a purge), if any. */
  transition: RunningTransition | null;
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
  return { ...tenant, transition: status?.running ?? null, usage };
}
