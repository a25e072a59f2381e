import { eq } from "drizzle-orm";
import type { TenantId } from "@platforma/contracts";
import { clusters, orders, type TenantTx } from "@platforma/db";
import { appendEvent } from "@platforma/events";
import { releaseQuota } from "../quotas/admit-quota.ts";
import { RESOURCE_ADAPTERS } from "../resources/resource-adapters.ts";

type OrderRow = typeof orders.$inferSelect;

/**
 * Whether an order can be ended in the database alone: no workflow has taken a step for it (the
 * first step moves it to `provisioning`). Its workflow may still start later; it then meets a
 * final order and stops before taking anything.
 */
export const endsWithoutWorkflow = (order: OrderRow) => order.state === "pending";

/**
 * Ends an order whose workflow never took a step: what it wrote becomes `failed`, the quota it
 * reserved comes back, and the order fails with `reason`. The caller holds the order row lock.
 */
export async function endUnstartedOrder(
  tx: TenantTx,
  tenantId: TenantId,
  order: OrderRow,
  reason: string,
  message: string,
): Promise<void> {
  const now = new Date();
  const failed = { state: "failed" as const, updatedAt: now };
  const cls = await tx
    .update(clusters)
    .set(failed)
    .where(eq(clusters.orderId, order.id))
    .returning({ id: clusters.id, state: clusters.state });
  for (const c of cls) {
    await appendEvent(tx, tenantId, "cluster.failed.v1", { clusterId: c.id, orderId: order.id, reason });
  }
  for (const adapter of Object.values(RESOURCE_ADAPTERS)) {
    for (const resource of await adapter.lockByOrder(tx, order.id)) {
      await adapter.setState(tx, resource.id, "failed");
      await adapter.announce(tx, tenantId, resource, "failed", reason);
    }
  }
  await releaseQuota(tx, tenantId, order.reserved);
  await tx
    .update(orders)
    .set({ state: "failed", errorReason: reason, errorMessage: message, updatedAt: now })
    .where(eq(orders.id, order.id));
  await appendEvent(tx, tenantId, "order.failed.v1", {
    orderId: order.id,
    workflowId: order.workflowId,
    kind: order.kind,
    reason,
    message,
  });
}
