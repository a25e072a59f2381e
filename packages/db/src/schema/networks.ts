import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import type { ClusterId, NetworkId, TenantId } from "@platforma/contracts";
import type { FirewallRule } from "./clusters.ts";
import type { ResourceState } from "./instances.ts";
import { tenantIdColumn, tenantPolicy, timestamps } from "./tenant-table.ts";

/**
 * A dedicated cluster's network: its own VLAN and CIDR, and a firewall rule set. `rulesVersion`
 * is the desired set; `appliedVersion` is what the provider has, so drift is visible.
 */
export const networks = pgTable(
  "networks",
  {
    id: text("id").primaryKey().$type<NetworkId>(),
    tenantId: tenantIdColumn().$type<TenantId>(),
    clusterId: text("cluster_id").notNull().$type<ClusterId>(),
    region: text("region").notNull(),
    vlanId: integer("vlan_id").notNull(),
    cidr: text("cidr").notNull(),
    firewallRules: jsonb("firewall_rules").$type<FirewallRule[]>().notNull().default([]),
    rulesVersion: integer("rules_version").notNull().default(1),
    appliedVersion: integer("applied_version").notNull().default(0),
    state: text("state").$type<ResourceState>().notNull().default("provisioning"),
    ...timestamps,
  },
  (t) => [index("networks_tenant_id_cluster_id_idx").on(t.tenantId, t.clusterId), tenantPolicy()],
).enableRLS();
