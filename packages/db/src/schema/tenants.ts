import { boolean, pgTable, text, integer } from "drizzle-orm/pg-core";
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
  ...timestamps,
});
