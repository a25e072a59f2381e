import type { OrderId } from "@platforma/contracts";
import type { OrderState, OrderStep, orders } from "@platforma/db";

export interface OrderDto {
  id: OrderId;
  kind: string;
  state: OrderState;
  request: Record<string, unknown>;
  steps: OrderStep[];
  workflowId: string;
  error: { reason: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
}

export function toOrderDto(row: typeof orders.$inferSelect): OrderDto {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    request: row.request,
    steps: row.steps,
    workflowId: row.workflowId,
    error: row.errorReason ? { reason: row.errorReason, message: row.errorMessage ?? "" } : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
