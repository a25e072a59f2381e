import { DomainError, WORKFLOW_NAMES, type ResourceKind, type TenantId } from "@platforma/contracts";
import { withTenant } from "@platforma/db";
import { placeOrder } from "../orders/place-order.ts";
import { startCommittedOrder } from "../orders/start-order.ts";
import { toOrderDto, type OrderDto } from "../orders/order-dto.ts";
import type { OrderDeps } from "../clusters/create-cluster.ts";
import { RESOURCE_ADAPTERS } from "./resource-adapters.ts";

const KIND_NAMES: Record<ResourceKind, string> = { instance: "instance", storagePool: "storage pool" };

/**
 * Deletes a resource through an order and the deprovisioning workflow; the quota comes back when
 * the workflow finishes. Asking twice returns the same order. A failed resource holds nothing, so
 * it is deleted at once and no order is needed.
 */
export async function deleteResource(
  deps: OrderDeps,
  tenantId: TenantId,
  kind: ResourceKind,
  resourceId: string,
): Promise<{ order: OrderDto | null }> {
  const adapter = RESOURCE_ADAPTERS[kind];
  const notFound = () => new DomainError("not_found", `${KIND_NAMES[kind]} ${resourceId} not found`);

  const deletedAtOnce = await withTenant(deps.db, tenantId, async (tx) => {
    const resource = await adapter.lock(tx, resourceId);
    if (!resource || resource.state === "deleted") throw notFound();
    if (resource.state === "provisioning") {
      throw new DomainError("conflict", `${KIND_NAMES[kind]} ${resourceId} is still being provisioned`, {
        state: resource.state,
      });
    }
    if (resource.state !== "failed") return false;
    await adapter.setState(tx, resource.id, "deleted");
    return true;
  });
  if (deletedAtOnce) return { order: null };

  const { order } = await placeOrder(deps, tenantId, {
    kind: `${kind}.delete`,
    idempotencyKey: `delete:${resourceId}`,
    request: { resourceId },
    reserve: {},
    async write(tx) {
      const ref = await adapter.lock(tx, resourceId);
      if (!ref || ref.state !== "ready") {
        throw new DomainError("conflict", `${KIND_NAMES[kind]} ${resourceId} cannot be deleted now`, {
          state: ref?.state ?? "deleted",
        });
      }
      await adapter.setState(tx, ref.id, "deleting");
      return ref;
    },
    workflow: (orderId, ref) => ({
      name: WORKFLOW_NAMES.deprovisionResource,
      input: { tenantId, orderId, kind, resourceId: ref.id, clusterId: ref.clusterId },
    }),
    find: (tx) => adapter.lock(tx, resourceId),
  });

  await startCommittedOrder(deps, order);
  return { order: toOrderDto(order) };
}
