import { proxyActivities } from "@temporalio/workflow";
import type { DeprovisionClusterInput, ProvisionClusterResult } from "@platforma/contracts/workflows";
import type { ClusterDeletionActivities } from "../activities/cluster-deletion.ts";
import type { DedicatedClusterActivities } from "../activities/dedicated-cluster.ts";
import type { OrderStepActivities } from "../activities/order-steps.ts";
import { DB_STEP, PROVIDER_STEP } from "./activity-presets.ts";
import { recordOrderState } from "./order-state.ts";

const db = proxyActivities<OrderStepActivities & ClusterDeletionActivities>(DB_STEP);
const provider = proxyActivities<ClusterDeletionActivities & DedicatedClusterActivities>(PROVIDER_STEP);

/**
 * Deletes a cluster in dependency order: what runs on it, then (dedicated) registration, storage,
 * network and nodes — the reverse of provisioning — or (shared) its capacity. Every step is
 * idempotent, so a retried or resumed deletion finishes exactly once.
 */
export async function deprovisionCluster(input: DeprovisionClusterInput): Promise<ProvisionClusterResult> {
  const step = async (name: string, run: () => Promise<unknown>) => {
    await db.markOrderStep(input, name, "running");
    await run();
    await db.markOrderStep(input, name, "done");
  };
  await step("workloads", () => provider.retireClusterResources(input));
  if (input.placement === "dedicated") {
    const backend = input.storageBackend;
    await step("deregister", () => provider.deregisterDedicatedCluster(input));
    if (backend)
      await step("storage", () => provider.deleteDedicatedStorage({ ...input, storage: { backend } }));
    await step("network", () => provider.deleteDedicatedNetwork(input));
    await step("compute", () => provider.releaseDedicatedNodes(input));
  } else {
    await step("capacity", () => provider.releaseSharedCluster(input));
  }
  await db.completeClusterDeletion(input);
  return recordOrderState({ state: "completed" });
}
