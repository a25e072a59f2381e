import { and, eq, ne } from "drizzle-orm";
import {
  DomainError,
  WORKFLOW_NAMES,
  type ClusterId,
  type OrderId,
  type ResourceKind,
  type TenantId,
} from "@platforma/contracts";
import { clusters, instances, networks, orders, storagePools, withTenant, type AppDb } from "@platforma/db";
import { appendEvent } from "@platforma/events";
import { placeOrder } from "../orders/place-order.ts";
import { toOrderDto, type OrderDto } from "../orders/order-dto.ts";
import { releaseQuota } from "../quotas/admit-quota.ts";
import type { OrderDeps } from "./create-cluster.ts";

const notFound = (id: ClusterId) => new DomainError("not_found", `cluster ${id} not found`);

/**
 * Deprovisions a cluster through an order: everything on it first, then (dedicated) storage,
 * network and nodes, or (shared) its capacity; capacity and quota come back at the end. Asking
 * twice returns the same order. A failed cluster holds nothing and is deleted at once.
 */
export async function deleteCluster(
  deps: OrderDeps,
  tenantId: TenantId,
  clusterId: ClusterId,
): Promise<{ order: OrderDto | null }> {
  const deletedAtOnce = await withTenant(deps.db, tenantId, async (tx) => {
    const [cluster] = await tx.select().from(clusters).where(eq(clusters.id, clusterId)).for("update");
    if (!cluster || cluster.state === "deleted") throw notFound(clusterId);
    if (cluster.state === "provisioning") {
      throw new DomainError(
        "conflict",
        `cluster ${clusterId} is still being provisioned; cancel its order instead`,
        {
          state: cluster.state,
          orderId: cluster.orderId,
        },
      );
    }
    if (cluster.state !== "failed") return false;
    await tx
      .update(clusters)
      .set({ state: "deleted", updatedAt: new Date() })
      .where(eq(clusters.id, clusterId));
    return true;
  });
  if (deletedAtOnce) return { order: null };

  const { order, resource: cluster } = await placeOrder(deps.db, tenantId, {
    kind: "cluster.delete",
    idempotencyKey: `delete:${clusterId}`,
    request: { clusterId },
    reserve: {},
    async write(tx, orderId) {
      const [row] = await tx.select().from(clusters).where(eq(clusters.id, clusterId)).for("update");
      if (!row || row.state !== "ready") {
        throw new DomainError("conflict", `cluster ${clusterId} cannot be deleted now`, {
          state: row?.state ?? "deleted",
        });
      }
      await tx
        .update(clusters)
        .set({ state: "deleting", updatedAt: new Date() })
        .where(eq(clusters.id, clusterId));
      await appendEvent(tx, tenantId, "cluster.deletion_requested.v1", { clusterId, orderId });
      return row;
    },
    async find(tx) {
      const [row] = await tx.select().from(clusters).where(eq(clusters.id, clusterId));
      return row ?? null;
    },
  });

  await deps.workflows.startOrderWorkflow(WORKFLOW_NAMES.deprovisionCluster, {
    tenantId,
    orderId: order.id,
    clusterId,
    region: cluster.region,
    placement: cluster.placement,
    provisionOrderId: cluster.orderId,
    storageBackend: cluster.dedicated?.storage.backend ?? null,
  });
  return { order: toOrderDto(order) };
}

/** What still lives on a cluster, to be deprovisioned before the cluster itself. */
export async function liveClusterResources(
  db: AppDb,
  tenantId: TenantId,
  clusterId: ClusterId,
): Promise<{ kind: ResourceKind; resourceId: string }[]> {
  return withTenant(db, tenantId, async (tx) => {
    const live = await tx
      .select({ id: instances.id })
      .from(instances)
      .where(and(eq(instances.clusterId, clusterId), ne(instances.state, "deleted")));
    const pools = await tx
      .select({ id: storagePools.id })
      .from(storagePools)
      .where(and(eq(storagePools.clusterId, clusterId), ne(storagePools.state, "deleted")));
    return [
      ...live.map((r) => ({ kind: "instance" as const, resourceId: r.id })),
      ...pools.map((r) => ({ kind: "storagePool" as const, resourceId: r.id })),
    ];
  });
}

/** The last step of a cluster deletion: the cluster is gone and its quota comes back. */
export async function completeClusterDeletion(
  db: AppDb,
  ref: { tenantId: TenantId; orderId: OrderId; clusterId: ClusterId },
): Promise<void> {
  await withTenant(db, ref.tenantId, async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, ref.orderId)).for("update");
    const [cluster] = await tx.select().from(clusters).where(eq(clusters.id, ref.clusterId)).for("update");
    if (!order || !cluster || order.state === "completed" || cluster.state === "deleted") return;
    const now = new Date();
    await tx.update(clusters).set({ state: "deleted", updatedAt: now }).where(eq(clusters.id, ref.clusterId));
    await tx
      .update(networks)
      .set({ state: "deleted", updatedAt: now })
      .where(and(eq(networks.clusterId, ref.clusterId), ne(networks.state, "deleted")));
    await releaseQuota(tx, ref.tenantId, { max_clusters: 1, max_storage_tb: cluster.storageTb });
    await tx.update(orders).set({ state: "completed", updatedAt: now }).where(eq(orders.id, order.id));
    await appendEvent(tx, ref.tenantId, "cluster.deleted.v1", {
      clusterId: ref.clusterId,
      orderId: order.id,
    });
    await appendEvent(tx, ref.tenantId, "order.completed.v1", {
      orderId: order.id,
      workflowId: order.workflowId,
      kind: order.kind,
    });
  });
}
