import { sql } from "drizzle-orm";
import { pgPolicy, timestamp, text } from "drizzle-orm/pg-core";

/**
 * Row-level security for tenant-owned tables. The context comes from `withTenant`, which sets
 * `app.tenant_id` transaction-locally. `nullif(…, '')` makes a missing or reset context match no
 * row at all, never every row. FORCE (so the table owner is bound too) is added by a custom
 * migration because drizzle-kit does not emit it.
 */
export const TENANT_POLICY_NAME = "tenant_isolation";
const tenantMatches = sql`tenant_id = nullif(current_setting('app.tenant_id', true), '')`;

export const tenantPolicy = () =>
  pgPolicy(TENANT_POLICY_NAME, {
    as: "permissive",
    for: "all",
    using: tenantMatches,
    withCheck: tenantMatches,
  });

/** `tenant_id` column of every tenant-owned table. */
export const tenantIdColumn = () => text("tenant_id").notNull();

export const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
};
