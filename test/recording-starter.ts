import type { OrderWorkflowInputs, OrderWorkflowName } from "@platforma/contracts";
import type { WorkflowStarter } from "@platforma/domain";

type Started = { name: OrderWorkflowName; input: OrderWorkflowInputs[OrderWorkflowName] };

/**
 * Records workflow starts instead of calling Temporal, for tests about admission and access only.
 * The real path (Temporal + worker) is covered by the end-to-end tests.
 */
export function recordingStarter(): WorkflowStarter & { started: Started[]; cancelled: string[] } {
  const started: Started[] = [];
  const cancelled: string[] = [];
  return {
    started,
    cancelled,
    async startOrderWorkflow(name, input) {
      started.push({ name, input });
      return { workflowId: `order/${input.orderId}` };
    },
    async cancelWorkflow(workflowId) {
      cancelled.push(workflowId);
    },
  };
}
