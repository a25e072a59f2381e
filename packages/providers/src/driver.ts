import type { ClusterId, FirewallRule, ResourceKind, TenantId } from "@platforma/contracts";

export interface ClusterAllocationRequest {
  tenantId: TenantId;
  clusterId: ClusterId;
  region: string;
  /** Idempotency: the same key never allocates twice. */
  requestKey: string;
}

export interface ResourceRequest {
  tenantId: TenantId;
  clusterId: ClusterId;
  kind: ResourceKind;
  resourceId: string;
  /** Idempotency: the same key never provisions twice, and releasing it twice is harmless. */
  requestKey: string;
}

/** A dedicated-inventory request: one step of a dedicated cluster, keyed for idempotency. */
export type DedicatedRequest = ClusterAllocationRequest;

export interface ClusterAllocation {
  allocationId: string;
  region: string;
}

/**
 * What the control plane needs from an infrastructure backend. Every operation is idempotent by
 * its request key, because workflow activities are retried. Failures a retry cannot fix throw a
 * `DomainError` (e.g. `capacity_unavailable`).
 */
export interface ProviderDriver {
  readonly name: string;
  allocateCluster(req: ClusterAllocationRequest): Promise<ClusterAllocation>;
  releaseCluster(req: ClusterAllocationRequest): Promise<void>;
  provisionResource(req: ResourceRequest): Promise<void>;
  releaseResource(req: ResourceRequest): Promise<void>;

  /** Whole physical nodes, owned by the tenant until released. */
  allocateNodes(req: DedicatedRequest & { count: number }): Promise<{ nodeIds: string[] }>;
  releaseNodes(req: DedicatedRequest): Promise<void>;
  /** A VLAN of the region's range, owned by the tenant until deleted. */
  createVlan(req: DedicatedRequest): Promise<{ vlanId: number }>;
  deleteVlan(req: DedicatedRequest): Promise<void>;
  /** Replaces the rule set on the VLAN; applying the same version twice is a no-op. */
  applyFirewallRules(
    req: DedicatedRequest & { vlanId: number; version: number; rules: FirewallRule[] },
  ): Promise<void>;
  removeFirewallRules(req: DedicatedRequest): Promise<void>;
  /** A Ceph pool of `sizeTb` on one of the region's Ceph clusters. */
  createCephPool(
    req: DedicatedRequest & { sizeTb: number },
  ): Promise<{ cephClusterId: string; pool: string }>;
  deleteCephPool(req: DedicatedRequest): Promise<void>;
  /** Enough whole NVMe drives for `sizeTb`, owned by the tenant until detached. */
  attachNvmeDrives(req: DedicatedRequest & { sizeTb: number }): Promise<{ driveIds: string[] }>;
  detachNvmeDrives(req: DedicatedRequest): Promise<void>;
  /** Hands the finished cluster to operations (monitoring, DNS); the saga's last provider step. */
  registerCluster(req: DedicatedRequest): Promise<void>;
  deregisterCluster(req: DedicatedRequest): Promise<void>;
}
