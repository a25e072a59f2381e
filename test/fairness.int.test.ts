import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TASK_PRIORITY, workflowIds } from "@platforma/contracts";
import { lifecycleIdle } from "./lifecycle-fixtures.ts";
import { startStack, type TestStack } from "./stack.ts";

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ worker: true });
});
afterAll(async () => {
  try {
    await stack?.expectInvariants();
  } finally {
    await stack?.close();
  }
});

/** The priority Temporal recorded for a workflow execution (its activities inherit it). */
async function priorityOf(workflowId: string) {
  const temporal = stack.temporal;
  if (!temporal) throw new Error("the stack runs with Temporal");
  const described = await temporal.workflow.getHandle(workflowId).describe();
  const priority = described.raw.workflowExecutionInfo?.priority;
  return { priorityKey: priority?.priorityKey ?? 0, fairnessKey: priority?.fairnessKey ?? "" };
}

describe("fair scheduling in Temporal", () => {
  it("an order's workflow carries its tenant as the fairness key, at the order priority", async () => {
    const { tenantId, client } = await stack.newTenant();
    const { order } = await client.clusters.create.mutate({ name: "fair", region: "eu-central-1" });
    expect(await priorityOf(workflowIds.order(order.id))).toEqual({
      priorityKey: TASK_PRIORITY.order,
      fairnessKey: tenantId,
    });
  });

  it("a tenant's lifecycle workflow runs ahead of orders, under the same fairness key", async () => {
    const { tenantId } = await stack.newTenant();
    await stack.operator.tenants.suspend.mutate({ tenantId, reason: "priority check" });
    await lifecycleIdle(stack, tenantId);
    expect(await priorityOf(workflowIds.tenant(tenantId))).toEqual({
      priorityKey: TASK_PRIORITY.lifecycle,
      fairnessKey: tenantId,
    });
    expect(TASK_PRIORITY.lifecycle).toBeLessThan(TASK_PRIORITY.order);
  });
});
