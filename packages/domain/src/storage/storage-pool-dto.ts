import type { ClusterId, OrderId, StoragePoolId } from "@platforma/contracts";
import type { ResourceState, StorageBackend, storagePools } from "@platforma/db";

export interface StoragePoolDto {
  id: StoragePoolId;
  clusterId: ClusterId;
  name: string;
  backend: StorageBackend;
  sizeTb: number;
  state: ResourceState;
  orderId: OrderId;
  createdAt: string;
  updatedAt: string;
}

export function toStoragePoolDto(row: typeof storagePools.$inferSelect): StoragePoolDto {
  return {
    id: row.id,
    clusterId: row.clusterId,
    name: row.name,
    backend: row.backend,
    sizeTb: row.sizeTb,
    state: row.state,
    orderId: row.orderId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
