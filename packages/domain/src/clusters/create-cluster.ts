import { eq } from "drizzle-orm";
import { DomainError, newId, type TenantId } from "@platforma/contracts";
import { clusters, type AppDb, type Placement } from "@platforma/db";
import { appendEvent } from "@platforma/events";
import { placeOrder } from "../orders/place-order.ts";
import { toOrderDto, type OrderDto } from "../orders/order-dto.ts";
import type { TenantAccessInfo } from "../tenants/tenant-access.ts";
import type { WorkflowStarter } from "../workflows/workflow-starter.ts";
import { toClusterDto, type ClusterDto } from "./cluster-dto.ts";

export interface CreateClusterInput {
  name: string;
  region: string;
  placement: Placement;
  idempotencyKey?: string | undefined;
}

export interface OrderDeps {
  db: AppDb;
  workflows: WorkflowStarter;
}

/**
 * Places a cluster order: region and placement checks, quota admission, order + cluster rows and
 * their events in one tenant transaction; the provisioning workflow starts after commit. Retrying
 * with the same idempotency key returns the same order and never provisions twice.
 */
export async function createCluster(
  deps: OrderDeps,
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

  const request = { name: input.name, region: input.region, placement: input.placement };
  const { order, resource: cluster } = await placeOrder(deps.db, tenantId, {
    kind: "cluster.create",
    idempotencyKey: input.idempotencyKey,
    request,
    reserve: { max_clusters: 1 },
    conflicts: { clusters_tenant_id_name_uq: `a cluster named ${input.name} already exists` },
    async write(tx, orderId) {
      const [row] = await tx
        .insert(clusters)
        .values({ id: newId("cluster"), tenantId, orderId, ...request })
        .returning();
      if (!row) throw new Error("cluster insert returned no row");
      await appendEvent(tx, tenantId, "cluster.requested.v1", { clusterId: row.id, orderId, ...request });
      return row;
    },
    async find(tx, orderId) {
      const [row] = await tx.select().from(clusters).where(eq(clusters.orderId, orderId));
      return row ?? null;
    },
  });

  // Started after commit so the workflow never sees rows that might roll back. A retry of the same
  // request reaches this line again and attaches to the same execution (USE_EXISTING).
  await deps.workflows.startProvisionCluster({
    tenantId,
    orderId: order.id,
    clusterId: cluster.id,
    region: cluster.region,
  });
  return { cluster: toClusterDto(cluster), order: toOrderDto(order) };
}
