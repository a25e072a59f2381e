import { WorkflowNotFoundError, type Client } from "@temporalio/client";
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from "@temporalio/common";
import {
  SEARCH_ATTRIBUTES,
  TASK_QUEUE,
  workflowIds,
  type OrderWorkflowInputs,
  type OrderWorkflowName,
} from "@platforma/contracts/workflows";

export interface StartedWorkflow {
  workflowId: string;
  runId: string;
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

export function createWorkflowStarter(client: Client, opts: { taskQueue?: string } = {}): WorkflowStarter {
  const taskQueue = opts.taskQueue ?? TASK_QUEUE;
  return {
    async startOrderWorkflow(name, input) {
      const workflowId = workflowIds.order(input.orderId);
      // Same order id → same workflow id; USE_EXISTING makes a retried start attach to the
      // running execution instead of failing or provisioning twice.
      const handle = await client.workflow.start(name, {
        taskQueue,
        workflowId,
        args: [input],
        workflowIdConflictPolicy: "USE_EXISTING",
        typedSearchAttributes: new TypedSearchAttributes([
          { key: TenantIdKey, value: input.tenantId },
          { key: OrderIdKey, value: input.orderId },
        ]),
        staticSummary: summarize(name, input),
      });
      return { workflowId, runId: handle.firstExecutionRunId };
    },
    async cancelWorkflow(workflowId) {
      try {
        await client.workflow.getHandle(workflowId).cancel();
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
  };
}
