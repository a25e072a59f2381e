import { index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { ClusterId, OrderId, StoragePoolId, TenantId } from "@platforma/contracts";
import type { ResourceState } from "./instances.ts";
import { tenantIdColumn, tenantPolicy, timestamps } from "./tenant-table.ts";

export const STORAGE_BACKENDS = ["ceph", "nvme"] as const;
export type StorageBackend = (typeof STORAGE_BACKENDS)[number];

export const storagePools = pgTable(
  "storage_pools",
  {
    id: text("id").primaryKey().$type<StoragePoolId>(),
    tenantId: tenantIdColumn().$type<TenantId>(),
    clusterId: text("cluster_id").notNull().$type<ClusterId>(),
    orderId: text("order_id").notNull().$type<OrderId>(),
    name: text("name").notNull(),
    backend: text("backend").$type<StorageBackend>().notNull(),
    sizeTb: integer("size_tb").notNull(),
    state: text("state").$type<ResourceState>().notNull().default("provisioning"),
    ...timestamps,
  },
  (t) => [
    index("storage_pools_tenant_id_cluster_id_idx").on(t.tenantId, t.clusterId, t.createdAt),
    uniqueIndex("storage_pools_tenant_id_cluster_id_name_uq").on(t.tenantId, t.clusterId, t.name),
    tenantPolicy(),
  ],
).enableRLS();
