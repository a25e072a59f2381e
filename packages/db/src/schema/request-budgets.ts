import { doublePrecision, pgTable, timestamp } from "drizzle-orm/pg-core";
import { tenantIdColumn, tenantPolicy } from "./tenant-table.ts";

/**
 * Each tenant's request token bucket, shared by every API process: `tokens` as of `refilled_at`,
 * refilled lazily at the tenant's rate up to its burst when a request takes one. Written only
 * through the system handle on the request path, before the tenant's own transaction (like the
 * tenant-state check); tenant-owned, so RLS and the purge cover it.
 */
export const tenantRequestBudgets = pgTable(
  "tenant_request_budgets",
  {
    tenantId: tenantIdColumn().primaryKey(),
    tokens: doublePrecision("tokens").notNull(),
    refilledAt: timestamp("refilled_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  () => [tenantPolicy()],
).enableRLS();
