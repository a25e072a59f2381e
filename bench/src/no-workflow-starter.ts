import type { WorkflowStarter } from "@platforma/domain";

/**
 * Starts nothing: the read benchmark's seeded clusters only need to exist as rows, and the admission
 * benchmark measures the API's transaction, not provisioning. Their orders stay pending.
 */
export const noWorkflowStarter: WorkflowStarter = {
  startOrderWorkflow: async () => ({ workflowId: "not-started" }),
  cancelWorkflow: async () => {},
};
