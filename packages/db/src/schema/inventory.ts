import { index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { ClusterId, TenantId } from "@platforma/contracts";
import { tenantIdColumn, tenantPolicy, timestamps } from "./tenant-table.ts";

/**
 * The simulated provider's inventory. Regions are platform data (no tenant); allocations are what a
 * tenant holds, so they are tenant-owned. Capacity is taken with a conditional UPDATE on the
 * region row, which makes concurrent allocations race-free.
 */
export const regions = pgTable("provider_regions", {
  name: text("name").primaryKey(),
  displayName: text("display_name").notNull(),
  clusterSlots: integer("cluster_slots").notNull(),
  clusterSlotsUsed: integer("cluster_slots_used").notNull().default(0),
  ...timestamps,
});

export const allocations = pgTable(
  "provider_allocations",
  {
    id: text("id").primaryKey(),
    tenantId: tenantIdColumn().$type<TenantId>(),
    /** Idempotency: the same request key never allocates twice. */
    requestKey: text("request_key").notNull(),
    clusterId: text("cluster_id").notNull().$type<ClusterId>(),
    region: text("region").notNull(),
    kind: text("kind").notNull(),
    releasedAt: timestamp("released_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [
    index("provider_allocations_tenant_id_idx").on(t.tenantId, t.clusterId),
    uniqueIndex("provider_allocations_tenant_id_request_key_uq").on(t.tenantId, t.requestKey),
    tenantPolicy(),
  ],
).enableRLS();
