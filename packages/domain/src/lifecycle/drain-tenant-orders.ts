import { count, inArray } from "drizzle-orm";
import type { TenantId } from "@platforma/contracts";
import { OPEN_ORDER_STATES, orders, withTenant, type AppDb } from "@platforma/db";
import { endsWithoutWorkflow, endUnstartedOrder } from "../orders/end-unstarted-order.ts";

/**
 * The first half of the lifecycle's drain (archive, deletion, purge): every open order of the
 * tenant that no workflow has taken a step for ends here and now with `reason`; the workflow ids of
 * the rest are returned for the lifecycle workflow to cancel. Deletions are not cancelled (half a
 * deletion is worse than either outcome): they are waited for like the compensations.
 */
export async function closeUnstartedOrders(
  db: AppDb,
  tenantId: TenantId,
  reason: string,
): Promise<{ ended: number; toCancel: string[] }> {
  return withTenant(db, tenantId, async (tx) => {
    const open = await tx
      .select()
      .from(orders)
      .where(inArray(orders.state, [...OPEN_ORDER_STATES]))
      .for("update");
    let ended = 0;
    const toCancel: string[] = [];
    for (const order of open) {
      // Deletions run to their end (the order starter starts one still owed its workflow).
      if (order.kind.endsWith(".delete")) continue;
      if (endsWithoutWorkflow(order)) {
        await endUnstartedOrder(tx, tenantId, order, reason, "the tenant's lifecycle closed the order");
        ended += 1;
      } else {
        toCancel.push(order.workflowId);
      }
    }
    return { ended, toCancel };
  });
}

/** How many of the tenant's orders are still open (the drain is done at zero). */
export async function openOrderCount(db: AppDb, tenantId: TenantId): Promise<number> {
  const [row] = await withTenant(db, tenantId, (tx) =>
    tx
      .select({ n: count() })
      .from(orders)
      .where(inArray(orders.state, [...OPEN_ORDER_STATES])),
  );
  return row?.n ?? 0;
}
