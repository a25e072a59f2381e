import type { Client } from "@temporalio/client";
import {
  SEARCH_ATTRIBUTES,
  TASK_QUEUE,
  WORKFLOW_NAMES,
  type ProvisionClusterInput,
  type ResourceOrderInput,
  workflowIds,
} from "@platforma/contracts/workflows";
import type { OrderId } from "@platforma/contracts";
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from "@temporalio/common";

/** What use cases need from Temporal: starting workflows by contract, idempotently. */
export interface WorkflowStarter {
  startProvisionCluster(input: ProvisionClusterInput): Promise<StartedWorkflow>;
  startResourceOrder(
    name: typeof WORKFLOW_NAMES.provisionResource | typeof WORKFLOW_NAMES.deprovisionResource,
    input: ResourceOrderInput,
  ): Promise<StartedWorkflow>;
}

export interface StartedWorkflow {
  workflowId: string;
  runId: string;
}

const TenantIdKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.tenantId, SearchAttributeType.KEYWORD);
const OrderIdKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.orderId, SearchAttributeType.KEYWORD);

export function createWorkflowStarter(client: Client, opts: { taskQueue?: string } = {}): WorkflowStarter {
  const taskQueue = opts.taskQueue ?? TASK_QUEUE;

  async function startOrderWorkflow<A extends { tenantId: string; orderId: OrderId }>(
    name: string,
    input: A,
    summary: string,
  ): Promise<StartedWorkflow> {
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
      staticSummary: summary,
    });
    return { workflowId, runId: handle.firstExecutionRunId };
  }

  return {
    startProvisionCluster: (input) =>
      startOrderWorkflow(
        WORKFLOW_NAMES.provisionCluster,
        input,
        `Provision cluster ${input.clusterId} in ${input.region} for ${input.tenantId}`,
      ),
    startResourceOrder: (name, input) =>
      startOrderWorkflow(
        name,
        input,
        `${name === WORKFLOW_NAMES.provisionResource ? "Provision" : "Deprovision"} ${input.kind} ${input.resourceId} on ${input.clusterId} for ${input.tenantId}`,
      ),
  };
}
