import type { DeprovisionClusterInput } from "@platforma/contracts";
import { completeClusterDeletion, liveClusterResources, retireResource } from "@platforma/domain";
import { resourceKey, sharedClusterKey } from "@platforma/providers";
import type { ActivityDeps } from "./activity-deps.ts";
import { dedicatedRequest } from "./dedicated-cluster.ts";
import { dbStep, providerCall } from "./provider-call.ts";

/** Activities of `deprovisionCluster` (a dedicated cluster's own releases come with the saga's). */
export function createClusterDeletionActivities({ db, provider }: Pick<ActivityDeps, "db" | "provider">) {
  return {
    /** Deprovisions everything on the cluster first (dependency order), giving back its quota. */
    async retireClusterResources(input: DeprovisionClusterInput): Promise<number> {
      return providerCall(async () => {
        const live = await liveClusterResources(db, input.tenantId, input.clusterId);
        for (const r of live) {
          await provider.releaseResource({
            tenantId: input.tenantId,
            clusterId: input.clusterId,
            ...r,
            requestKey: resourceKey(r.kind, r.resourceId),
          });
          await retireResource(db, input.tenantId, r.kind, r.resourceId);
        }
        return live.length;
      });
    },
    async releaseSharedCluster(input: DeprovisionClusterInput): Promise<void> {
      return providerCall(async () => {
        await provider.releaseCluster(dedicatedRequest(input, sharedClusterKey(input.provisionOrderId)));
      });
    },
    async completeClusterDeletion(input: DeprovisionClusterInput): Promise<void> {
      await dbStep(() => completeClusterDeletion(db, input));
    },
  };
}

export type ClusterDeletionActivities = ReturnType<typeof createClusterDeletionActivities>;
