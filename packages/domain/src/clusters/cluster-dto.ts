import type { ClusterId, OrderId } from "@platforma/contracts";
import type { ClusterState, DedicatedSpec, Placement, clusters } from "@platforma/db";

export interface ClusterDto {
  id: ClusterId;
  name: string;
  region: string;
  placement: Placement;
  state: ClusterState;
  /** What was ordered for a dedicated cluster; null for shared ones. */
  dedicated: DedicatedSpec | null;
  orderId: OrderId;
  createdAt: string;
  updatedAt: string;
}

export function toClusterDto(row: typeof clusters.$inferSelect): ClusterDto {
  return {
    id: row.id,
    name: row.name,
    region: row.region,
    placement: row.placement,
    state: row.state,
    dedicated: row.dedicated,
    orderId: row.orderId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
