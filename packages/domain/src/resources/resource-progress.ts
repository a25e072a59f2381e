import { eq } from "drizzle-orm";
import { DomainError, type OrderId, type ResourceOrderInput } from "@platforma/contracts";
import {
  FINAL_ORDER_STATES,
  orders,
  withTenant,
  type AppDb,
  type OrderStep,
  type TenantTx,
} from "@platforma/db";
import { appendEvent } from "@platforma/events";
import { lockOrder, orderClosed, orderGone } from "../orders/order-progress.ts";
import { releaseQuota } from "../quotas/admit-quota.ts";
import { RESOURCE_ADAPTERS } from "./resource-adapters.ts";

/*
 * State changes made by the resource workflows' activities. Each one locks the order row first and
 * does nothing if the order is already final, so a retried activity never releases quota twice or
 * emits an event twice. A resource becomes ready only from `provisioning`: one its cluster's
 * deletion or its tenant's archive retired meanwhile makes the workflow compensate instead.
 */

async function openOrder(tx: TenantTx, orderId: OrderId) {
  const order = await lockOrder(tx, orderId);
  return order && !FINAL_ORDER_STATES.has(order.state) ? order : null;
}

function step(steps: OrderStep[], name: string, state: OrderStep["state"]): OrderStep[] {
  return [...steps.filter((s) => s.name !== name), { name, state, at: new Date().toISOString() }];
}

async function finishOrder(
  tx: TenantTx,
  input: ResourceOrderInput,
  order: typeof orders.$inferSelect,
  stepName: string,
) {
  await tx
    .update(orders)
    .set({ state: "completed", steps: step(order.steps, stepName, "done"), updatedAt: new Date() })
    .where(eq(orders.id, order.id));
  await appendEvent(tx, input.tenantId, "order.completed.v1", {
    orderId: order.id,
    workflowId: order.workflowId,
    kind: order.kind,
  });
}

/** The resource is provisioned: it becomes ready and its order completes. */
export async function completeResourceProvisioning(db: AppDb, input: ResourceOrderInput): Promise<void> {
  const adapter = RESOURCE_ADAPTERS[input.kind];
  await withTenant(db, input.tenantId, async (tx) => {
    const order = await lockOrder(tx, input.orderId);
    if (!order) throw orderGone(input.orderId);
    if (order.state === "completed") return;
    if (FINAL_ORDER_STATES.has(order.state)) throw orderClosed(order);
    const resource = await adapter.lock(tx, input.resourceId);
    if (resource?.state !== "provisioning") {
      throw new DomainError("order_closed", `${input.kind} ${input.resourceId} is no longer provisioning`, {
        state: resource?.state ?? null,
      });
    }
    await adapter.setState(tx, resource.id, "ready");
    await adapter.announce(tx, input.tenantId, resource, "ready");
    await finishOrder(tx, input, order, "provision");
  });
}

/** Provisioning failed: the resource is marked failed and the order gives back what it reserved. */
export async function failResourceProvisioning(
  db: AppDb,
  input: ResourceOrderInput,
  reason: string,
  message: string,
): Promise<void> {
  const adapter = RESOURCE_ADAPTERS[input.kind];
  await withTenant(db, input.tenantId, async (tx) => {
    const order = await openOrder(tx, input.orderId);
    const resource = await adapter.lock(tx, input.resourceId);
    if (!order || !resource) return;
    // A resource retired meanwhile (deleted) already gave its quota back: only the order ends.
    if (resource.state === "provisioning") {
      await adapter.setState(tx, resource.id, "failed");
      await releaseQuota(tx, input.tenantId, order.reserved);
      await adapter.announce(tx, input.tenantId, resource, "failed", reason);
    }
    await tx
      .update(orders)
      .set({ state: "failed", errorReason: reason, errorMessage: message, updatedAt: new Date() })
      .where(eq(orders.id, order.id));
    await appendEvent(tx, input.tenantId, "order.failed.v1", {
      orderId: order.id,
      workflowId: order.workflowId,
      kind: order.kind,
      reason,
      message,
    });
  });
}

/** Deprovisioning finished: the resource is deleted and the quota it held is given back. */
export async function completeResourceDeletion(db: AppDb, input: ResourceOrderInput): Promise<void> {
  const adapter = RESOURCE_ADAPTERS[input.kind];
  await withTenant(db, input.tenantId, async (tx) => {
    const order = await openOrder(tx, input.orderId);
    const resource = await adapter.lock(tx, input.resourceId);
    if (!order || !resource) return;
    // Already retired (with its cluster, or by its tenant's archive): only the order is left to end.
    if (resource.state !== "deleted") {
      await adapter.setState(tx, resource.id, "deleted");
      await releaseQuota(tx, input.tenantId, resource.quota);
      await adapter.announce(tx, input.tenantId, resource, "deleted");
    }
    await finishOrder(tx, input, order, "deprovision");
  });
}
