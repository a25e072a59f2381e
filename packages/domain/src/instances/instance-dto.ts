import type { ClusterId, InstanceId, OrderId } from "@platforma/contracts";
import type { instances, ResourceState } from "@platforma/db";

export interface InstanceDto {
  id: InstanceId;
  clusterId: ClusterId;
  name: string;
  cpuCores: number;
  memoryGb: number;
  state: ResourceState;
  orderId: OrderId;
  createdAt: string;
  updatedAt: string;
}

export function toInstanceDto(row: typeof instances.$inferSelect): InstanceDto {
  return {
    id: row.id,
    clusterId: row.clusterId,
    name: row.name,
    cpuCores: row.cpuCores,
    memoryGb: row.memoryGb,
    state: row.state,
    orderId: row.orderId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
