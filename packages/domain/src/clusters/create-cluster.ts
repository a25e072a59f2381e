import { eq } from "drizzle-orm";
import {
  DomainError,
  newId,
  workflowIds,
  type ClusterId,
  type QuotaRequest,
  type TenantId,
} from "@platforma/contracts";
import { clusters, orders, withTenant, type AppDb, type Placement, type TenantTx } from "@platforma/db";
import { appendEvent } from "@platforma/events";
import { admitQuota } from "../quotas/admit-quota.ts";
import { recordingQuotaRejections } from "../quotas/record-rejection.ts";
import { pgErrorOf, UNIQUE_VIOLATION } from "../pg-errors.ts";
import type { TenantAccessInfo } from "../tenants/tenant-access.ts";
import type { WorkflowStarter } from "../workflows/workflow-starter.ts";
import { toClusterDto, type ClusterDto } from "./cluster-dto.ts";
import { toOrderDto, type OrderDto } from "../orders/order-dto.ts";

export interface CreateClusterInput {
  name: string;
  region: string;
  placement: Placement;
  idempotencyKey?: string | undefined;
}

export interface CreateClusterDeps {
  db: AppDb;
  workflows: WorkflowStarter;
}

const CLUSTER_QUOTA: QuotaRequest = { max_clusters: 1 };

async function findByIdempotencyKey(tx: TenantTx, key: string) {
  const [order] = await tx.select().from(orders).where(eq(orders.idempotencyKey, key));
  if (!order) return null;
  const [cluster] = await tx.select().from(clusters).where(eq(clusters.orderId, order.id));
  if (!cluster) return null;
  return { order, cluster };
}

/**
 * Places a cluster order: region and placement checks, quota admission, order + cluster rows and
 * their events in one tenant transaction; the provisioning workflow starts after commit. Retrying
 * with the same idempotency key returns the same order and never provisions twice.
 */
export async function createCluster(
  deps: CreateClusterDeps,
  tenant: TenantAccessInfo,
  input: CreateClusterInput,
): Promise<{ cluster: ClusterDto; order: OrderDto }> {
  const tenantId: TenantId = tenant.id;
  if (!tenant.allowedRegions.includes(input.region)) {
    throw new DomainError("region_not_allowed", `region ${input.region} is not allowed for this tenant`, {
      region: input.region,
      allowedRegions: tenant.allowedRegions,
    });
  }
  if (input.placement === "dedicated") {
    // Dedicated placement runs a different saga (compute, network, storage), not built yet.
    throw new DomainError("placement_not_allowed", "dedicated placement is not available", {
      placement: input.placement,
    });
  }

  const placed = await recordingQuotaRejections(deps.db, tenantId, "clusters.create", () =>
    placeOrder(deps.db, tenantId, input),
  ).catch(async (err: unknown) => {
    const pg = pgErrorOf(err);
    if (
      pg?.code === UNIQUE_VIOLATION &&
      pg.constraint === "orders_tenant_id_idempotency_key_uq" &&
      input.idempotencyKey
    ) {
      // A concurrent request with the same key won the race: answer with its order.
      const existing = await withTenant(deps.db, tenantId, (tx) =>
        findByIdempotencyKey(tx, input.idempotencyKey ?? ""),
      );
      if (existing) return existing;
    }
    if (pg?.code === UNIQUE_VIOLATION && pg.constraint === "clusters_tenant_id_name_uq") {
      throw new DomainError(
        "conflict",
        `a cluster named ${input.name} already exists`,
        { name: input.name },
        { cause: err },
      );
    }
    throw err;
  });

  // Started after commit so the workflow never sees rows that might roll back. A retry of the same
  // request reaches this line again and attaches to the same execution (USE_EXISTING).
  await deps.workflows.startProvisionCluster({
    tenantId,
    orderId: placed.order.id,
    clusterId: placed.cluster.id,
    region: placed.cluster.region,
  });
  return { cluster: toClusterDto(placed.cluster), order: toOrderDto(placed.order) };
}

function placeOrder(db: AppDb, tenantId: TenantId, input: CreateClusterInput) {
  return withTenant(db, tenantId, async (tx) => {
    if (input.idempotencyKey) {
      const existing = await findByIdempotencyKey(tx, input.idempotencyKey);
      if (existing) return existing;
    }
    await admitQuota(tx, tenantId, CLUSTER_QUOTA);
    const orderId = newId("order");
    const clusterId: ClusterId = newId("cluster");
    const request = { name: input.name, region: input.region, placement: input.placement };
    const [order] = await tx
      .insert(orders)
      .values({
        id: orderId,
        tenantId,
        kind: "cluster.create",
        idempotencyKey: input.idempotencyKey ?? null,
        request,
        reserved: CLUSTER_QUOTA,
        workflowId: workflowIds.order(orderId),
      })
      .returning();
    const [cluster] = await tx
      .insert(clusters)
      .values({ id: clusterId, tenantId, orderId, ...request })
      .returning();
    if (!order || !cluster) throw new Error("insert returned no row");
    await appendEvent(tx, tenantId, "order.placed.v1", {
      orderId,
      workflowId: order.workflowId,
      kind: order.kind,
      request,
    });
    await appendEvent(tx, tenantId, "cluster.requested.v1", {
      clusterId,
      orderId,
      name: input.name,
      region: input.region,
      placement: input.placement,
    });
    return { order, cluster };
  });
}
