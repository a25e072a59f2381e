import type { ActivityDeps } from "./activity-deps.ts";
import { createClusterDeletionActivities } from "./cluster-deletion.ts";
import { createDedicatedClusterActivities } from "./dedicated-cluster.ts";
import { createFirewallActivities } from "./firewall.ts";
import { createLifecycleActivities } from "./lifecycle-activities.ts";
import { createOrderStepActivities } from "./order-steps.ts";
import { createQuotaActivities } from "./quotas.ts";
import { createResourceActivities } from "./resources.ts";
import { createSharedClusterActivities } from "./shared-cluster.ts";

export type { ActivityDeps } from "./activity-deps.ts";

/**
 * Every activity the worker registers, composed from one factory per workflow (each takes only the
 * dependencies it uses). Workflows proxy their own group's type, never this one. Activities are
 * thin: each opens its own tenant transaction from the tenant id in its input.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createOrderStepActivities(deps),
    ...createSharedClusterActivities(deps),
    ...createResourceActivities(deps),
    ...createDedicatedClusterActivities(deps),
    ...createClusterDeletionActivities(deps),
    ...createFirewallActivities(deps),
    ...createQuotaActivities(deps),
    ...createLifecycleActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
