import { CancellationScope, log, proxyActivities } from "@temporalio/workflow";
import type { ProvisionClusterInput, ProvisionClusterResult } from "@platforma/contracts/workflows";
import type { OrderStepActivities } from "../activities/order-steps.ts";
import type { SharedClusterActivities } from "../activities/shared-cluster.ts";
import { DB_STEP, PROVIDER_STEP } from "./activity-presets.ts";
import { endReason } from "./failure-reason.ts";
import { recordOrderState } from "./order-state.ts";

const db = proxyActivities<OrderStepActivities & SharedClusterActivities>(DB_STEP);
const provider = proxyActivities<SharedClusterActivities>(PROVIDER_STEP);

/**
 * Provisions a shared-placement cluster: allocate capacity in the provider's inventory, then mark
 * the cluster ready and the order completed. On failure, the allocation (if any) is released and
 * the order fails, giving its quota back; compensation runs even if the workflow is cancelled
 * (the order then fails with reason `cancelled`).
 */
export async function provisionCluster(input: ProvisionClusterInput): Promise<ProvisionClusterResult> {
  let allocated = false;
  try {
    await db.markOrderStep(input, "compute", "running");
    // Registered before the step: a timeout may hide an allocation that did happen.
    allocated = true;
    await provider.allocateClusterCapacity(input);
    await db.markOrderStep(input, "compute", "done");
    await db.completeClusterOrder(input);
    log.info("cluster provisioned", { orderId: input.orderId, clusterId: input.clusterId });
    return recordOrderState({ state: "completed" });
  } catch (err) {
    const { reason, message } = endReason(err);
    log.warn("cluster provisioning failed", { orderId: input.orderId, reason });
    await CancellationScope.nonCancellable(async () => {
      if (allocated) await provider.releaseClusterCapacity(input);
      await db.failClusterOrder(input, reason, message);
    });
    return recordOrderState({ state: "failed", reason });
  }
}
