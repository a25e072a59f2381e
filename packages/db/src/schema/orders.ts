import { index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { OrderId, QuotaRequest, TenantId } from "@platforma/contracts";
import { tenantIdColumn, tenantPolicy, timestamps } from "./tenant-table.ts";

export const ORDER_STATES = ["pending", "provisioning", "completed", "failed", "compensated"] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export interface OrderStep {
  name: string;
  state: "pending" | "running" | "done" | "failed" | "compensated";
  at: string;
  detail?: string;
}

/** A tenant's record of what it asked for, and how far the workflow got. */
export const orders = pgTable(
  "orders",
  {
    id: text("id").primaryKey().$type<OrderId>(),
    tenantId: tenantIdColumn().$type<TenantId>(),
    kind: text("kind").notNull(),
    state: text("state").$type<OrderState>().notNull().default("pending"),
    /** Client-supplied; retrying with the same key returns the same order. */
    idempotencyKey: text("idempotency_key"),
    request: jsonb("request").$type<Record<string, unknown>>().notNull(),
    /** Quota taken at admission; given back exactly when the order fails. */
    reserved: jsonb("reserved").$type<QuotaRequest>().notNull().default({}),
    steps: jsonb("steps").$type<OrderStep[]>().notNull().default([]),
    workflowId: text("workflow_id").notNull(),
    errorReason: text("error_reason"),
    errorMessage: text("error_message"),
    ...timestamps,
  },
  (t) => [
    index("orders_tenant_id_created_at_idx").on(t.tenantId, t.createdAt),
    uniqueIndex("orders_tenant_id_idempotency_key_uq").on(t.tenantId, t.idempotencyKey),
    tenantPolicy(),
  ],
).enableRLS();
