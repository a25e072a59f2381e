import { eq } from "drizzle-orm";
import { DomainError, type OrderId, type TenantId } from "@platforma/contracts";
import { FINAL_ORDER_STATES, orders, withTenant } from "@platforma/db";
import { appendEvent } from "@platforma/events";
import type { OrderDeps } from "../clusters/create-cluster.ts";
import { toOrderDto, type OrderDto } from "./order-dto.ts";
import { endsWithoutWorkflow, endUnstartedOrder } from "./end-unstarted-order.ts";

/**
 * Cancels a running provisioning order. The workflow compensates everything done so far and the
 * order ends `compensated` (or `failed` for single-step orders) with reason `cancelled`, its quota
 * given back. An order no workflow has taken a step for yet (e.g. while Temporal is away) ends at
 * once, in this transaction. Asking again while compensation runs is harmless. Deletions are not
 * cancellable: half a deletion is worse than either outcome.
 */
export async function cancelOrder(deps: OrderDeps, tenantId: TenantId, orderId: OrderId): Promise<OrderDto> {
  const order = await withTenant(deps.db, tenantId, async (tx) => {
    const [row] = await tx.select().from(orders).where(eq(orders.id, orderId)).for("update");
    if (!row) throw new DomainError("not_found", `order ${orderId} not found`);
    if (FINAL_ORDER_STATES.has(row.state)) {
      throw new DomainError("conflict", `order ${orderId} is ${row.state} and can no longer be cancelled`, {
        state: row.state,
      });
    }
    if (!row.kind.endsWith(".create")) {
      throw new DomainError("conflict", `${row.kind} orders cannot be cancelled`, { kind: row.kind });
    }
    await appendEvent(tx, tenantId, "order.cancel_requested.v1", { orderId, workflowId: row.workflowId });
    if (!endsWithoutWorkflow(row)) return { row, ended: false };
    await endUnstartedOrder(tx, tenantId, row, "cancelled", "the order was cancelled");
    const [ended] = await tx.select().from(orders).where(eq(orders.id, orderId));
    return { row: ended ?? row, ended: true };
  });
  if (order.ended) {
    // Nothing to compensate; a workflow that starts late meets the final order and stops.
    await deps.workflows.cancelWorkflow(order.row.workflowId).catch(() => {});
  } else {
    await deps.workflows.cancelWorkflow(order.row.workflowId);
  }
  return toOrderDto(order.row);
}
