import { eq } from "drizzle-orm";
import { DomainError, type OrderId, type TenantId } from "@platforma/contracts";
import { FINAL_ORDER_STATES, orders, tenants, withTenant, type AppDb, type SystemDb } from "@platforma/db";
import { orderClosed } from "./order-progress.ts";

export interface OrderGateRef {
  tenantId: TenantId;
  orderId: OrderId;
  /** Checked against the tenant's allowed regions as they are now, when given. */
  region?: string | undefined;
}

/**
 * Asked by every workflow step that takes inventory, before it calls the provider: the order is
 * still open, the tenant still active (a suspended, archived or deleted tenant takes nothing new)
 * and, when the step is placed, the region still allowed (an operator may narrow the regions while
 * an order runs). A refusal is final: the workflow compensates. The database enforces the tenant
 * rule again on the allocation row itself (tenant write guard), so a transition that commits
 * between this check and the provider call cannot be outrun by the simulated driver; real drivers
 * rely on the lifecycle's drain, which cancels the order and waits for its compensation.
 */
export async function assertOrderMayProceed(db: AppDb, systemDb: SystemDb, ref: OrderGateRef): Promise<void> {
  const [order] = await withTenant(db, ref.tenantId, (tx) =>
    tx
      .select({ id: orders.id, state: orders.state, errorReason: orders.errorReason })
      .from(orders)
      .where(eq(orders.id, ref.orderId)),
  );
  if (!order) throw new DomainError("order_closed", `order ${ref.orderId} no longer exists`, { state: null });
  if (FINAL_ORDER_STATES.has(order.state)) throw orderClosed(order);
  const [tenant] = await systemDb
    .select({ state: tenants.state, allowedRegions: tenants.allowedRegions, purgedAt: tenants.purgedAt })
    .from(tenants)
    .where(eq(tenants.id, ref.tenantId));
  if (!tenant || tenant.purgedAt || tenant.state !== "active") {
    const state = tenant?.purgedAt ? "purged" : (tenant?.state ?? "unknown");
    throw new DomainError("tenant_not_active", `the tenant is ${state} and takes no new allocations`, {
      state,
    });
  }
  if (ref.region !== undefined && !tenant.allowedRegions.includes(ref.region)) {
    throw new DomainError("region_not_allowed", `region ${ref.region} is not allowed for this tenant`, {
      region: ref.region,
      allowedRegions: tenant.allowedRegions,
    });
  }
}
