import { index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { ClusterId, InstanceId, OrderId, TenantId } from "@platforma/contracts";
import { tenantIdColumn, tenantPolicy, timestamps } from "./tenant-table.ts";

export const RESOURCE_STATES = ["provisioning", "ready", "failed", "deleting", "deleted"] as const;
export type ResourceState = (typeof RESOURCE_STATES)[number];
/** States in which a resource counts against its tenant's quotas. */
export const QUOTA_HOLDING_STATES: readonly ResourceState[] = ["provisioning", "ready", "deleting"];

export const instances = pgTable(
  "instances",
  {
    id: text("id").primaryKey().$type<InstanceId>(),
    tenantId: tenantIdColumn().$type<TenantId>(),
    clusterId: text("cluster_id").notNull().$type<ClusterId>(),
    orderId: text("order_id").notNull().$type<OrderId>(),
    name: text("name").notNull(),
    cpuCores: integer("cpu_cores").notNull(),
    memoryGb: integer("memory_gb").notNull(),
    state: text("state").$type<ResourceState>().notNull().default("provisioning"),
    ...timestamps,
  },
  (t) => [
    index("instances_tenant_id_cluster_id_idx").on(t.tenantId, t.clusterId, t.createdAt),
    uniqueIndex("instances_tenant_id_cluster_id_name_uq").on(t.tenantId, t.clusterId, t.name),
    tenantPolicy(),
  ],
).enableRLS();
