import type { OrderId, TenantId } from "@platforma/contracts";
import { completeOrder, failOrder, markOrderStep } from "@platforma/domain";
import type { ActivityDeps } from "./activity-deps.ts";
import { dbStep } from "./provider-call.ts";

type OrderRef = { tenantId: TenantId; orderId: OrderId };

/** Steps every order workflow records; a step on an order that already ended refuses (final). */
export function createOrderStepActivities({ db }: Pick<ActivityDeps, "db">) {
  return {
    async markOrderStep(
      order: OrderRef,
      step: string,
      state: "running" | "done" | "compensated",
    ): Promise<void> {
      await dbStep(() => markOrderStep(db, order.tenantId, order.orderId, { name: step, state }));
    },
    /** Completes an order that has no resource of its own to finish (e.g. a firewall change). */
    async completeOrder(order: OrderRef): Promise<void> {
      await dbStep(() => completeOrder(db, order.tenantId, order.orderId));
    },
    async failOrder(order: OrderRef, reason: string, message: string): Promise<void> {
      await dbStep(() => failOrder(db, order.tenantId, order.orderId, reason, message));
    },
  };
}

export type OrderStepActivities = ReturnType<typeof createOrderStepActivities>;
