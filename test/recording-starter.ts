import type { ProvisionClusterInput } from "@platforma/contracts";
import type { WorkflowStarter } from "@platforma/domain";

/**
 * Records workflow starts instead of calling Temporal, for tests about admission and access only.
 * The real path (Temporal + worker) is covered by the end-to-end tests.
 */
export function recordingStarter(): WorkflowStarter & { started: ProvisionClusterInput[] } {
  const started: ProvisionClusterInput[] = [];
  return {
    started,
    async startProvisionCluster(input) {
      started.push(input);
      return { workflowId: `order/${input.orderId}`, runId: "recorded" };
    },
  };
}
