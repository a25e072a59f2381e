import { and, eq, ne } from "drizzle-orm";
import { DomainError, type ClusterId, type OrderId, type TenantId } from "@platforma/contracts";
import {
  FINAL_ORDER_STATES,
  clusters,
  networks,
  orders,
  withTenant,
  type AppDb,
  type OrderStep,
  type TenantTx,
} from "@platforma/db";
import { appendEvent } from "@platforma/events";
import { releaseQuota } from "../quotas/admit-quota.ts";

/*
 * Order state changes made by workflow activities. Each is idempotent (activities are retried) and
 * writes its events in the same transaction as the change. A step that would move an order forward
 * refuses, non-retryably, once the order has ended (cancelled while pending, or closed by its
 * tenant's lifecycle): the workflow then compensates instead of walking on. Steps that end an
 * order do nothing on an order that already ended.
 */

/** The refusal a forward step meets on an order that already ended. */
export function orderClosed(order: { id: OrderId; state: string; errorReason: string | null }): DomainError {
  return new DomainError("order_closed", `order ${order.id} already ended (${order.state})`, {
    state: order.state,
    endedBecause: order.errorReason,
  });
}

/**
 * The order row, locked. Null when it no longer exists (its tenant was purged): steps that end an
 * order treat that as ended, forward steps refuse with `orderGone` (final, not retried for ever).
 */
export async function lockOrder(tx: TenantTx, orderId: OrderId) {
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for("update");
  return order ?? null;
}

export const orderGone = (orderId: OrderId) =>
  new DomainError("order_closed", `order ${orderId} no longer exists`, { state: null });

function withStep(steps: OrderStep[], step: Omit<OrderStep, "at">): OrderStep[] {
  const at = new Date().toISOString();
  const rest = steps.filter((s) => s.name !== step.name);
  return [...rest, { ...step, at }];
}

export async function markOrderStep(
  db: AppDb,
  tenantId: TenantId,
  orderId: OrderId,
  step: Omit<OrderStep, "at">,
): Promise<void> {
  await withTenant(db, tenantId, async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order || FINAL_ORDER_STATES.has(order.state)) {
      // Compensation marks its steps on whatever the order's state; anything else is moving on.
      if (step.state === "compensated") return;
      throw order ? orderClosed(order) : orderGone(orderId);
    }
    const previous = order.steps.find((s) => s.name === step.name)?.state;
    await tx
      .update(orders)
      .set({ state: "provisioning", steps: withStep(order.steps, step), updatedAt: new Date() })
      .where(eq(orders.id, orderId));
    // A retried activity re-marks the same state: announce changes only.
    if (previous !== step.state) {
      await appendEvent(tx, tenantId, "order.step_changed.v1", {
        orderId,
        step: step.name,
        state: step.state,
      });
    }
  });
}

export interface ClusterOrderRef {
  tenantId: TenantId;
  orderId: OrderId;
  clusterId: ClusterId;
}

export async function completeClusterOrder(
  db: AppDb,
  ref: ClusterOrderRef & { region: string },
): Promise<void> {
  await withTenant(db, ref.tenantId, async (tx) => {
    const order = await lockOrder(tx, ref.orderId);
    if (!order) throw orderGone(ref.orderId);
    if (order.state === "completed") return;
    if (FINAL_ORDER_STATES.has(order.state)) throw orderClosed(order);
    const now = new Date();
    // A cluster becomes ready only from provisioning.
    const ready = await tx
      .update(clusters)
      .set({ state: "ready", updatedAt: now })
      .where(and(eq(clusters.id, ref.clusterId), eq(clusters.state, "provisioning")))
      .returning({ id: clusters.id });
    if (ready.length === 0) {
      throw new DomainError("order_closed", `cluster ${ref.clusterId} is no longer provisioning`, {
        clusterId: ref.clusterId,
      });
    }
    await tx
      .update(networks)
      .set({ state: "ready", updatedAt: now })
      .where(and(eq(networks.clusterId, ref.clusterId), eq(networks.state, "provisioning")));
    await tx
      .update(orders)
      .set({
        state: "completed",
        steps: withStep(order.steps, { name: "register", state: "done" }),
        updatedAt: now,
      })
      .where(eq(orders.id, ref.orderId));
    await appendEvent(tx, ref.tenantId, "order.step_changed.v1", {
      orderId: ref.orderId,
      step: "register",
      state: "done",
    });
    await appendEvent(tx, ref.tenantId, "cluster.ready.v1", {
      clusterId: ref.clusterId,
      orderId: ref.orderId,
      region: ref.region,
    });
    await appendEvent(tx, ref.tenantId, "order.completed.v1", {
      orderId: ref.orderId,
      workflowId: order.workflowId,
      kind: order.kind,
    });
  });
}

/**
 * Ends a cluster order that did not complete: the cluster fails, its network (if any) is gone,
 * and the order gives back exactly the quota it reserved. `failed` for a single-step order,
 * `compensated` when a saga undid its steps.
 */
async function endClusterOrder(
  db: AppDb,
  ref: ClusterOrderRef & { reason: string; message: string },
  outcome: "failed" | "compensated",
): Promise<void> {
  await withTenant(db, ref.tenantId, async (tx) => {
    const order = await lockOrder(tx, ref.orderId);
    if (!order || FINAL_ORDER_STATES.has(order.state)) return;
    const now = new Date();
    await tx.update(clusters).set({ state: "failed", updatedAt: now }).where(eq(clusters.id, ref.clusterId));
    await tx
      .update(networks)
      .set({ state: "deleted", updatedAt: now })
      .where(and(eq(networks.clusterId, ref.clusterId), ne(networks.state, "deleted")));
    await tx
      .update(orders)
      .set({ state: outcome, errorReason: ref.reason, errorMessage: ref.message, updatedAt: now })
      .where(eq(orders.id, ref.orderId));
    await releaseQuota(tx, ref.tenantId, order.reserved);
    await appendEvent(tx, ref.tenantId, "cluster.failed.v1", {
      clusterId: ref.clusterId,
      orderId: ref.orderId,
      reason: ref.reason,
    });
    await appendEvent(tx, ref.tenantId, outcome === "failed" ? "order.failed.v1" : "order.compensated.v1", {
      orderId: ref.orderId,
      workflowId: order.workflowId,
      kind: order.kind,
      reason: ref.reason,
      message: ref.message,
    });
  });
}

export const failClusterOrder = (db: AppDb, ref: ClusterOrderRef & { reason: string; message: string }) =>
  endClusterOrder(db, ref, "failed");

export const compensateClusterOrder = (
  db: AppDb,
  ref: ClusterOrderRef & { reason: string; message: string },
) => endClusterOrder(db, ref, "compensated");

/** Completes an order that has no resource of its own to finish (e.g. a firewall change). */
export async function completeOrder(db: AppDb, tenantId: TenantId, orderId: OrderId): Promise<void> {
  await withTenant(db, tenantId, async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order) throw orderGone(orderId);
    if (order.state === "completed") return;
    if (FINAL_ORDER_STATES.has(order.state)) throw orderClosed(order);
    await tx.update(orders).set({ state: "completed", updatedAt: new Date() }).where(eq(orders.id, orderId));
    await appendEvent(tx, tenantId, "order.completed.v1", {
      orderId,
      workflowId: order.workflowId,
      kind: order.kind,
    });
  });
}

/** Fails an order that reserved nothing (e.g. a firewall change the provider refused). */
export async function failOrder(
  db: AppDb,
  tenantId: TenantId,
  orderId: OrderId,
  reason: string,
  message: string,
) {
  await withTenant(db, tenantId, async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order || FINAL_ORDER_STATES.has(order.state)) return;
    await tx
      .update(orders)
      .set({ state: "failed", errorReason: reason, errorMessage: message, updatedAt: new Date() })
      .where(eq(orders.id, orderId));
    await releaseQuota(tx, tenantId, order.reserved);
    await appendEvent(tx, tenantId, "order.failed.v1", {
      orderId,
      workflowId: order.workflowId,
      kind: order.kind,
      reason,
      message,
    });
  });
}
