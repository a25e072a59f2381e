import type { ClusterId, NetworkId } from "@platforma/contracts";
import type { FirewallRule, networks, ResourceState } from "@platforma/db";

export interface NetworkDto {
  id: NetworkId;
  clusterId: ClusterId;
  region: string;
  vlanId: number;
  cidr: string;
  firewallRules: FirewallRule[];
  /** The desired rule set's version, and the version the provider enforces. */
  rulesVersion: number;
  appliedVersion: number;
  state: ResourceState;
  createdAt: string;
  updatedAt: string;
}

export function toNetworkDto(row: typeof networks.$inferSelect): NetworkDto {
  return {
    id: row.id,
    clusterId: row.clusterId,
    region: row.region,
    vlanId: row.vlanId,
    cidr: row.cidr,
    firewallRules: row.firewallRules,
    rulesVersion: row.rulesVersion,
    appliedVersion: row.appliedVersion,
    state: row.state,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
