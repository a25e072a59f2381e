import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { ClusterId, TenantId } from "@platforma/contracts";
import { tenantIdColumn, tenantPolicy, timestamps } from "./tenant-table.ts";

/**
 * The simulated provider's inventory. Regions are platform data (no tenant); allocations are what a
 * tenant holds, so they are tenant-owned. Capacity is taken with a conditional UPDATE on the
 * region row, which makes concurrent allocations race-free. The app role has no grant on any
 * inventory table: it takes and gives through `inventoryFunctions` (migration 0009,
 * docs/decisions/inventory-functions.md).
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
    /** What the allocation holds (node ids, VLAN id, pool, drives, applied rules), for release and audit. */
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    releasedAt: timestamp("released_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [
    index("provider_allocations_tenant_id_idx").on(t.tenantId, t.clusterId),
    uniqueIndex("provider_allocations_tenant_id_request_key_uq").on(t.tenantId, t.requestKey),
    tenantPolicy(),
  ],
).enableRLS();

/*
 * Dedicated inventory. Platform data (no tenant_id): a row is held exclusively through `holder`,
 * the request key of the tenant-owned allocation that took it. Taking rows uses
 * `FOR UPDATE SKIP LOCKED` plus `holder IS NULL`, so two tenants can never take the same row.
 */

export const providerNodes = pgTable(
  "provider_nodes",
  {
    id: text("id").primaryKey(),
    region: text("region").notNull(),
    cores: integer("cores").notNull(),
    memoryGb: integer("memory_gb").notNull(),
    holder: text("holder"),
    ...timestamps,
  },
  (t) => [index("provider_nodes_region_holder_idx").on(t.region, t.holder)],
);

export const providerVlans = pgTable(
  "provider_vlans",
  {
    region: text("region").notNull(),
    vlanId: integer("vlan_id").notNull(),
    holder: text("holder"),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.region, t.vlanId] }), index("provider_vlans_holder_idx").on(t.holder)],
);

export const cephClusters = pgTable("provider_ceph_clusters", {
  id: text("id").primaryKey(),
  region: text("region").notNull(),
  capacityTb: integer("capacity_tb").notNull(),
  usedTb: integer("used_tb").notNull().default(0),
  ...timestamps,
});

export const nvmeDrives = pgTable(
  "provider_nvme_drives",
  {
    id: text("id").primaryKey(),
    region: text("region").notNull(),
    sizeTb: integer("size_tb").notNull(),
    holder: text("holder"),
    ...timestamps,
  },
  (t) => [index("provider_nvme_drives_region_holder_idx").on(t.region, t.holder)],
);
