import { eq } from "drizzle-orm";
import { newId, WORKFLOW_NAMES, type ClusterId, type TenantId } from "@platforma/contracts";
import { instances, withTenant } from "@platforma/db";
import type { OrderDeps } from "../clusters/create-cluster.ts";
import { placeOrder } from "../orders/place-order.ts";
import { startCommittedOrder } from "../orders/start-order.ts";
import { toOrderDto, type OrderDto } from "../orders/order-dto.ts";
import { requireReadyCluster } from "../resources/require-ready-cluster.ts";
import { toInstanceDto, type InstanceDto } from "./instance-dto.ts";

export interface CreateInstanceInput {
  clusterId: ClusterId;
  name: string;
  cpuCores: number;
  memoryGb: number;
  idempotencyKey?: string | undefined;
}

/** Orders an instance: instances + cores + memory are admitted together, or not at all. */
export async function createInstance(
  deps: OrderDeps,
  tenantId: TenantId,
  input: CreateInstanceInput,
): Promise<{ instance: InstanceDto; order: OrderDto }> {
  // Checked before admission so another tenant's cluster id is `not_found`, not a quota answer.
  await withTenant(deps.db, tenantId, (tx) => requireReadyCluster(tx, input.clusterId));
  const request = {
    clusterId: input.clusterId,
    name: input.name,
    cpuCores: input.cpuCores,
    memoryGb: input.memoryGb,
  };
  const { order, resource: instance } = await placeOrder(deps, tenantId, {
    kind: "instance.create",
    idempotencyKey: input.idempotencyKey,
    request,
    reserve: { max_instances: 1, max_cpu_cores: input.cpuCores, max_memory_gb: input.memoryGb },
    conflicts: {
      instances_tenant_id_cluster_id_name_uq: `an instance named ${input.name} already exists in this cluster`,
    },
    async write(tx, orderId, announce) {
      await requireReadyCluster(tx, input.clusterId);
      const [row] = await tx
        .insert(instances)
        .values({ id: newId("instance"), tenantId, orderId, ...request })
        .returning();
      if (!row) throw new Error("instance insert returned no row");
      announce({
        type: "instance.requested.v1",
        data: {
          instanceId: row.id,
          clusterId: row.clusterId,
          orderId,
          cpuCores: row.cpuCores,
          memoryGb: row.memoryGb,
        },
      });
      return row;
    },
    workflow: (orderId, row) => ({
      name: WORKFLOW_NAMES.provisionResource,
      input: { tenantId, orderId, kind: "instance", resourceId: row.id, clusterId: row.clusterId },
    }),
    async find(tx, orderId) {
      const [row] = await tx.select().from(instances).where(eq(instances.orderId, orderId));
      return row ?? null;
    },
  });
  await startCommittedOrder(deps, order);
  return { instance: toInstanceDto(instance), order: toOrderDto(order) };
}
