import { index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { ClusterId, DedicatedSpec, OrderId, TenantId } from "@platforma/contracts";
import { tenantIdColumn, tenantPolicy, timestamps } from "./tenant-table.ts";

export const CLUSTER_STATES = ["provisioning", "ready", "failed", "deleting", "deleted"] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number];
export const PLACEMENTS = ["shared", "dedicated"] as const;
export type Placement = (typeof PLACEMENTS)[number];

export type { DedicatedSpec, FirewallRule } from "@platforma/contracts";

export const clusters = pgTable(
  "clusters",
  {
    id: text("id").primaryKey().$type<ClusterId>(),
    tenantId: tenantIdColumn().$type<TenantId>(),
    orderId: text("order_id").notNull().$type<OrderId>(),
    name: text("name").notNull(),
    region: text("region").notNull(),
    placement: text("placement").$type<Placement>().notNull(),
    state: text("state").$type<ClusterState>().notNull().default("provisioning"),
    /** Dedicated placement: what was ordered (nodes, network, storage). Null for shared clusters. */
    dedicated: jsonb("dedicated").$type<DedicatedSpec>(),
    /** Terabytes of dedicated storage; counted against max_storage_tb while the cluster exists. */
    storageTb: integer("storage_tb").notNull().default(0),
    ...timestamps,
  },
  (t) => [
    index("clusters_tenant_id_created_at_idx").on(t.tenantId, t.createdAt),
    uniqueIndex("clusters_tenant_id_name_uq").on(t.tenantId, t.name),
    tenantPolicy(),
  ],
).enableRLS();
