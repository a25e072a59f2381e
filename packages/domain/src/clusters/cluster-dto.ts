import type { ClusterId, OrderId } from "@platforma/contracts";
import type { ClusterState, Placement, clusters } from "@platforma/db";

export interface ClusterDto {
  id: ClusterId;
  name: string;
  region: string;
  placement: Placement;
  state: ClusterState;
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
    orderId: row.orderId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
