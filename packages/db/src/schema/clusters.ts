import { index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { ClusterId, OrderId, TenantId } from "@platforma/contracts";
import { tenantIdColumn, tenantPolicy, timestamps } from "./tenant-table.ts";

export const CLUSTER_STATES = ["provisioning", "ready", "failed", "deleting", "deleted"] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number];
export const PLACEMENTS = ["shared", "dedicated"] as const;
export type Placement = (typeof PLACEMENTS)[number];

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
    ...timestamps,
  },
  (t) => [
    index("clusters_tenant_id_created_at_idx").on(t.tenantId, t.createdAt),
    uniqueIndex("clusters_tenant_id_name_uq").on(t.tenantId, t.name),
    tenantPolicy(),
  ],
).enableRLS();
