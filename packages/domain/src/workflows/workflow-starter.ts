import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from "@temporalio/client";
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from "@temporalio/common";
import {
  SEARCH_ATTRIBUTES,
  TASK_QUEUE,
  tenantPriority,
  workflowIds,
  type OrderWorkflowInputs,
  type OrderWorkflowName,
} from "@platforma/contracts/workflows";

export interface StartedWorkflow {
  workflowId: string;
}

/** What use cases need from Temporal: starting order workflows by contract, idempotently, and cancelling them. */
export interface WorkflowStarter {
  startOrderWorkflow<N extends OrderWorkflowName>(
    name: N,
    input: OrderWorkflowInputs[N],
  ): Promise<StartedWorkflow>;
  /** Requests cancellation; the workflow compensates. A finished or unknown workflow is not an error. */
  cancelWorkflow(workflowId: string): Promise<void>;
}

const TenantIdKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.tenantId, SearchAttributeType.KEYWORD);
const OrderIdKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.orderId, SearchAttributeType.KEYWORD);

/** The line operators read in the Web UI's workflow list. */
function summarize(name: OrderWorkflowName, input: OrderWorkflowInputs[OrderWorkflowName]): string {
  const what = "kind" in input ? `${input.kind} ${input.resourceId}` : `cluster ${input.clusterId}`;
  const where = "region" in input ? ` in ${input.region}` : "";
  return `${name}: ${what}${where} (tenant ${input.tenantId}, order ${input.orderId})`;
}

export interface WorkflowStarterOptions {
  taskQueue?: string;
  /**
   * How long one call may wait for Temporal. A request must not hang while Temporal is away: the
   * order is committed, and the order starter starts its workflow once Temporal is back.
   */
  callTimeoutMs?: number;
}

export function createWorkflowStarter(client: Client, opts: WorkflowStarterOptions = {}): WorkflowStarter {
  const taskQueue = opts.taskQueue ?? TASK_QUEUE;
  const bounded = <R>(fn: () => Promise<R>) =>
    client.withDeadline(Date.now() + (opts.callTimeoutMs ?? 3_000), fn);
  return {
    async startOrderWorkflow(name, input) {
      const workflowId = workflowIds.order(input.orderId);
      try {
        // Same order id → same workflow id. USE_EXISTING attaches a repeated start to the running
        // execution; REJECT_DUPLICATE refuses a second run once it finished (a rerun would meet
        // its own final order and undo nothing it did not do, but it must not exist at all).
        await bounded(() =>
          client.workflow.start(name, {
            taskQueue,
            workflowId,
            args: [input],
            workflowIdConflictPolicy: "USE_EXISTING",
            workflowIdReusePolicy: "REJECT_DUPLICATE",
            typedSearchAttributes: new TypedSearchAttributes([
              { key: TenantIdKey, value: input.tenantId },
              { key: OrderIdKey, value: input.orderId },
            ]),
            staticSummary: summarize(name, input),
            priority: tenantPriority(input.tenantId, "order"),
          }),
        );
        return { workflowId };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId };
        throw err;
      }
    },
    async cancelWorkflow(workflowId) {
      try {
        await bounded(() => client.workflow.getHandle(workflowId).cancel());
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
  };
}
