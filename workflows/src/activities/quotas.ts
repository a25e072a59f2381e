import type { TenantId } from "@platforma/contracts";
import { reconcileUsage, tenantsToReconcile } from "@platforma/domain";
import type { ActivityDeps } from "./activity-deps.ts";

/** Activities of `reconcileQuotas`. */
export function createQuotaActivities({ db, systemDb }: Pick<ActivityDeps, "db" | "systemDb">) {
  return {
    async listTenantsToReconcile(): Promise<TenantId[]> {
      return tenantsToReconcile(systemDb);
    },
    /** Returns the number of corrections made. */
    async reconcileTenantUsage(tenantIds: TenantId[]): Promise<number> {
      let corrections = 0;
      for (const tenantId of tenantIds) corrections += (await reconcileUsage(db, tenantId)).length;
      return corrections;
    },
  };
}

export type QuotaActivities = ReturnType<typeof createQuotaActivities>;
