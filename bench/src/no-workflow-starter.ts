import { workflowIds } from "@platforma/contracts";
import type { WorkflowStarter } from "@platforma/domain";

/**
 * Starts nothing: the benchmarks measure reads, and the seeded clusters only need to exist as rows.
 * Their orders stay pending, which no read path looks at.
 */
export const noWorkflowStarter: WorkflowStarter = {
  async startProvisionCluster(input) {
    return { workflowId: workflowIds.order(input.orderId), runId: "not-started" };
  },
};
