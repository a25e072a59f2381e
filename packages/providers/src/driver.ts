import type { ClusterId, ResourceKind, TenantId } from "@platforma/contracts";

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
}
