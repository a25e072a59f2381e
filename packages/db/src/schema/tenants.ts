import { boolean, doublePrecision, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { TenantId, TenantState } from "@platforma/contracts";
import { timestamps } from "./tenant-table.ts";

/**
 * The tenant registry. Not tenant-owned data: only the system handle reads or writes it (operator
 * procedures, the tenant-state check). After a purge, the row remains as the tombstone.
 */
export const tenants = pgTable("tenants", {
  id: text("id").primaryKey().$type<TenantId>(),
  name: text("name").notNull(),
  state: text("state").$type<TenantState>().notNull().default("active"),
  allowedRegions: text("allowed_regions").array().notNull(),
  dedicatedEntitled: boolean("dedicated_entitled").notNull().default(false),
  /** Bumped on every state change; the API's tenant-state cache compares it. */
  stateVersion: integer("state_version").notNull().default(1),
  /** Why the tenant is in its state (e.g. the suspension reason); operator-facing only. */
  stateReason: text("state_reason"),
  /** The state to return to when a pending deletion is cancelled. */
  previousState: text("previous_state").$type<TenantState>(),
  /** Per-tenant retention override for deletion; null means the platform default (90 days). */
  retentionDays: integer("retention_days"),
  deletionRequestedAt: timestamp("deletion_requested_at", { withTimezone: true, mode: "date" }),
  /** When the purge may run: deletion request + retention. */
  purgeAfter: timestamp("purge_after", { withTimezone: true, mode: "date" }),
  /** Set when the purge verified that nothing of the tenant is left; the row is then a tombstone. */
  purgedAt: timestamp("purged_at", { withTimezone: true, mode: "date" }),
  /** Requests per second the tenant's credentials may make, across API processes; null: the API's default. */
  requestRateLimit: doublePrecision("request_rate_limit"),
  /** Requests above the rate the tenant may make at once; null: the API's default. */
  requestBurst: integer("request_burst"),
  ...timestamps,
});
