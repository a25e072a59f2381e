import type { WorkflowStarter } from "@platforma/domain";

const notStarted = async (..._args: unknown[]) => ({ workflowId: "not-started", runId: "not-started" });

// Every start is the same no-op, and assigning through a variable keeps this compiling while the
// starter gains workflows that the benchmarks never start.
const starter = { startProvisionCluster: notStarted, startResourceOrder: notStarted };

/**
 * Starts nothing: the benchmarks measure reads, and the seeded clusters only need to exist as rows.
 * Their orders stay pending, which no read path looks at.
 */
export const noWorkflowStarter: WorkflowStarter = starter;
