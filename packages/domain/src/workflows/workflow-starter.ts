import type { Client } from "@temporalio/client";
import {
  SEARCH_ATTRIBUTES,
  TASK_QUEUE,
  WORKFLOW_NAMES,
  type ProvisionClusterInput,
  workflowIds,
} from "@platforma/contracts/workflows";
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from "@temporalio/common";

/** What use cases need from Temporal: starting workflows by contract, idempotently. */
export interface WorkflowStarter {
  startProvisionCluster(input: ProvisionClusterInput): Promise<{ workflowId: string; runId: string }>;
}

const TenantIdKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.tenantId, SearchAttributeType.KEYWORD);
const OrderIdKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.orderId, SearchAttributeType.KEYWORD);

export function createWorkflowStarter(client: Client, opts: { taskQueue?: string } = {}): WorkflowStarter {
  const taskQueue = opts.taskQueue ?? TASK_QUEUE;
  return {
    async startProvisionCluster(input) {
      const workflowId = workflowIds.order(input.orderId);
      // Same order id → same workflow id; USE_EXISTING makes a retried start attach to the
      // running execution instead of failing or provisioning twice.
      const handle = await client.workflow.start(WORKFLOW_NAMES.provisionCluster, {
        taskQueue,
        workflowId,
        args: [input],
        workflowIdConflictPolicy: "USE_EXISTING",
        typedSearchAttributes: new TypedSearchAttributes([
          { key: TenantIdKey, value: input.tenantId },
          { key: OrderIdKey, value: input.orderId },
        ]),
        staticSummary: `Provision cluster ${input.clusterId} in ${input.region} for ${input.tenantId}`,
      });
      return { workflowId, runId: handle.firstExecutionRunId };
    },
  };
}
