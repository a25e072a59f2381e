import type { WorkflowStarter } from "@platforma/domain";

const notStarted = async (..._args: unknown[]) => ({ workflowId: "not-started", runId: "not-started" });

/**
 * Starts nothing: the read benchmark's seeded clusters only need to exist as rows, and the admission
 * benchmark measures the API's transaction, not provisioning. Their orders stay pending.
 *
 * Every method is the same no-op, whatever the starter calls it: the starter's interface changes as
 * workflows are added, and the benchmarks only need the use cases to go on after commit. `then` is
 * left out so that awaiting the starter itself does not hang on a no-op.
 */
export const noWorkflowStarter = new Proxy({} as WorkflowStarter, {
  get: (_target, key) => (key === "then" || typeof key === "symbol" ? undefined : notStarted),
});
