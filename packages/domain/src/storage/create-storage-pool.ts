import { eq } from "drizzle-orm";
import { newId, WORKFLOW_NAMES, type ClusterId, type TenantId } from "@platforma/contracts";
import { storagePools, withTenant, type StorageBackend } from "@platforma/db";
import type { OrderDeps } from "../clusters/create-cluster.ts";
import { placeOrder } from "../orders/place-order.ts";
import { startCommittedOrder } from "../orders/start-order.ts";
import { toOrderDto, type OrderDto } from "../orders/order-dto.ts";
import { requireReadyCluster } from "../resources/require-ready-cluster.ts";
import { toStoragePoolDto, type StoragePoolDto } from "./storage-pool-dto.ts";

export interface CreateStoragePoolInput {
  clusterId: ClusterId;
  name: string;
  backend: StorageBackend;
  sizeTb: number;
  idempotencyKey?: string | undefined;
}

/** Orders a storage pool on a cluster; its size is admitted against `max_storage_tb`. */
export async function createStoragePool(
  deps: OrderDeps,
  tenantId: TenantId,
  input: CreateStoragePoolInput,
): Promise<{ storagePool: StoragePoolDto; order: OrderDto }> {
  await withTenant(deps.db, tenantId, (tx) => requireReadyCluster(tx, input.clusterId));
  const request = {
    clusterId: input.clusterId,
    name: input.name,
    backend: input.backend,
    sizeTb: input.sizeTb,
  };
  const { order, resource: pool } = await placeOrder(deps, tenantId, {
    kind: "storagePool.create",
    idempotencyKey: input.idempotencyKey,
    request,
    reserve: { max_storage_tb: input.sizeTb },
    conflicts: {
      storage_pools_tenant_id_cluster_id_name_uq: `a storage pool named ${input.name} already exists in this cluster`,
    },
    async write(tx, orderId, announce) {
      await requireReadyCluster(tx, input.clusterId);
      const [row] = await tx
        .insert(storagePools)
        .values({ id: newId("storagePool"), tenantId, orderId, ...request })
        .returning();
      if (!row) throw new Error("storage pool insert returned no row");
      announce({
        type: "storage_pool.requested.v1",
        data: {
          storagePoolId: row.id,
          clusterId: row.clusterId,
          orderId,
          backend: row.backend,
          sizeTb: row.sizeTb,
        },
      });
      return row;
    },
    workflow: (orderId, row) => ({
      name: WORKFLOW_NAMES.provisionResource,
      input: { tenantId, orderId, kind: "storagePool", resourceId: row.id, clusterId: row.clusterId },
    }),
    async find(tx, orderId) {
      const [row] = await tx.select().from(storagePools).where(eq(storagePools.orderId, orderId));
      return row ?? null;
    },
  });
  await startCommittedOrder(deps, order);
  return { storagePool: toStoragePoolDto(pool), order: toOrderDto(order) };
}
