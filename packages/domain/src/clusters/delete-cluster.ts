import { and, eq, inArray, ne } from "drizzle-orm";
import {
  DomainError,
  WORKFLOW_NAMES,
  type ClusterId,
  type OrderId,
  type ResourceKind,
  type TenantId,
} from "@platforma/contracts";
import {
  FINAL_ORDER_STATES,
  clusters,
  instances,
  networks,
  orders,
  storagePools,
  withTenant,
  type AppDb,
  type TenantTx,
} from "@platforma/db";
import { appendEvent } from "@platforma/events";
import { placeOrder } from "../orders/place-order.ts";
import { startCommittedOrder } from "../orders/start-order.ts";
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

  const { order } = await placeOrder(deps, tenantId, {
    kind: "cluster.delete",
    idempotencyKey: `delete:${clusterId}`,
    request: { clusterId },
    reserve: {},
    async write(tx, orderId, announce) {
      const [row] = await tx.select().from(clusters).where(eq(clusters.id, clusterId)).for("update");
      if (!row || row.state !== "ready") {
        throw new DomainError("conflict", `cluster ${clusterId} cannot be deleted now`, {
          state: row?.state ?? "deleted",
        });
      }
      // A cluster owns what runs on it: while a child is being provisioned or deleted, its own
      // workflow decides its fate, so the cluster's deletion is refused rather than racing it. The
      // cluster row lock is held, and creating a child takes it (shared), so none can start now.
      const busy = await busyClusterResources(tx, clusterId);
      if (busy.length > 0) {
        throw new DomainError(
          "resource_busy",
          `cluster ${clusterId} has resources still being provisioned or deleted; retry when their orders end`,
          { busy },
        );
      }
      await tx
        .update(clusters)
        .set({ state: "deleting", updatedAt: new Date() })
        .where(eq(clusters.id, clusterId));
      announce({ type: "cluster.deletion_requested.v1", data: { clusterId, orderId } });
      return row;
    },
    workflow: (orderId, row) => ({
      name: WORKFLOW_NAMES.deprovisionCluster,
      input: {
        tenantId,
        orderId,
        clusterId,
        region: row.region,
        placement: row.placement,
        provisionOrderId: row.orderId,
        storageBackend: row.dedicated?.storage.backend ?? null,
      },
    }),
    async find(tx) {
      const [row] = await tx.select().from(clusters).where(eq(clusters.id, clusterId));
      return row ?? null;
    },
  });

  await startCommittedOrder(deps, order);
  return { order: toOrderDto(order) };
}

/** Children of the cluster whose own order is still running. */
async function busyClusterResources(
  tx: TenantTx,
  clusterId: ClusterId,
): Promise<{ kind: ResourceKind; id: string; state: string }[]> {
  const busy = ["provisioning", "deleting"] as const;
  const i = await tx
    .select({ id: instances.id, state: instances.state })
    .from(instances)
    .where(and(eq(instances.clusterId, clusterId), inArray(instances.state, [...busy])));
  const p = await tx
    .select({ id: storagePools.id, state: storagePools.state })
    .from(storagePools)
    .where(and(eq(storagePools.clusterId, clusterId), inArray(storagePools.state, [...busy])));
  return [
    ...i.map((r) => ({ kind: "instance" as const, ...r })),
    ...p.map((r) => ({ kind: "storagePool" as const, ...r })),
  ];
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
    if (!order || !cluster || FINAL_ORDER_STATES.has(order.state)) return;
    const now = new Date();
    // Already retired by its tenant's archive: only the order is left to end.
    if (cluster.state !== "deleted") {
      await tx
        .update(clusters)
        .set({ state: "deleted", updatedAt: now })
        .where(eq(clusters.id, ref.clusterId));
      await tx
        .update(networks)
        .set({ state: "deleted", updatedAt: now })
        .where(and(eq(networks.clusterId, ref.clusterId), ne(networks.state, "deleted")));
      await releaseQuota(tx, ref.tenantId, { max_clusters: 1, max_storage_tb: cluster.storageTb });
      await appendEvent(tx, ref.tenantId, "cluster.deleted.v1", {
        clusterId: ref.clusterId,
        orderId: order.id,
      });
    }
    await tx.update(orders).set({ state: "completed", updatedAt: now }).where(eq(orders.id, order.id));
    await appendEvent(tx, ref.tenantId, "order.completed.v1", {
      orderId: order.id,
      workflowId: order.workflowId,
      kind: order.kind,
    });
  });
}
