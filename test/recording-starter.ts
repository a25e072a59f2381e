import type { ProvisionClusterInput, ResourceOrderInput } from "@platforma/contracts";
import type { WorkflowStarter } from "@platforma/domain";

/**
 * Records workflow starts instead of calling Temporal, for tests about admission and access only.
 * The real path (Temporal + worker) is covered by the end-to-end tests.
 */
export function recordingStarter(): WorkflowStarter & {
  started: (ProvisionClusterInput | ResourceOrderInput)[];
} {
  const started: (ProvisionClusterInput | ResourceOrderInput)[] = [];
  const record = async (input: ProvisionClusterInput | ResourceOrderInput) => {
    started.push(input);
    return { workflowId: `order/${input.orderId}`, runId: "recorded" };
  };
  return { started, startProvisionCluster: record, startResourceOrder: (_name, input) => record(input) };
}
