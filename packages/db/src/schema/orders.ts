import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { OrderId, QuotaRequest, TenantId } from "@platforma/contracts";
import { tenantIdColumn, tenantPolicy, timestamps } from "./tenant-table.ts";

export const ORDER_STATES = ["pending", "provisioning", "completed", "failed", "compensated"] as const;
export type OrderState = (typeof ORDER_STATES)[number];
/** An order in one of these states is still running: its workflow (or its start) is owed an end. */
export const OPEN_ORDER_STATES = ["pending", "provisioning"] as const satisfies readonly OrderState[];
export const FINAL_ORDER_STATES: ReadonlySet<OrderState> = new Set(["completed", "failed", "compensated"]);

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
    /**
     * The workflow type and input the order runs, committed with the order so its start is driven
     * from what was committed (the starter sweeps orders without a started workflow), never only
     * from the request that placed it. Null for orders that run no workflow of their own.
     */
    workflowName: text("workflow_name"),
    workflowInput: jsonb("workflow_input").$type<Record<string, unknown>>(),
    /** When Temporal accepted the start; null while the start is still owed. */
    workflowStartedAt: timestamp("workflow_started_at", { withTimezone: true, mode: "date" }),
    errorReason: text("error_reason"),
    errorMessage: text("error_message"),
    ...timestamps,
  },
  (t) => [
    index("orders_tenant_id_created_at_idx").on(t.tenantId, t.createdAt),
    uniqueIndex("orders_tenant_id_idempotency_key_uq").on(t.tenantId, t.idempotencyKey),
    // The starter's sweep: open orders whose workflow start is still owed (a small set).
    // Open orders: a tenant's in-flight cap and the platform's backlog count only these.
    index("orders_open_idx")
      .on(t.tenantId)
      .where(sql`state in ('pending', 'provisioning')`),
    index("orders_unstarted_idx")
      .on(t.tenantId, t.createdAt)
      .where(sql`workflow_started_at is null and workflow_name is not null and state = 'pending'`),
    tenantPolicy(),
  ],
).enableRLS();
