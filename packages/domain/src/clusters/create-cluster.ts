import { eq } from "drizzle-orm";
import { DomainError, newId, WORKFLOW_NAMES, type TenantId } from "@platforma/contracts";
import { clusters, type DedicatedSpec, type Placement } from "@platforma/db";
import { placeOrder } from "../orders/place-order.ts";
import { startCommittedOrder } from "../orders/start-order.ts";
import { toOrderDto, type OrderDto } from "../orders/order-dto.ts";
import type { TenantAccessInfo } from "../tenants/tenant-access.ts";
import { toClusterDto, type ClusterDto } from "./cluster-dto.ts";

export interface CreateClusterInput {
  name: string;
  region: string;
  placement: Placement;
  /** Required for (and only for) dedicated placement. */
  dedicated?: DedicatedSpec | undefined;
  idempotencyKey?: string | undefined;
}

import type { OrderDeps } from "../orders/place-order.ts";

export type { OrderDeps };

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
  const dedicated = input.placement === "dedicated" ? requireDedicated(tenant, input) : null;
  if (!dedicated && input.dedicated) {
    throw new DomainError("invalid_input", "dedicated settings need placement: dedicated", {
      issues: [{ path: ["dedicated"], message: "only allowed with placement: dedicated" }],
    });
  }

  const request = { name: input.name, region: input.region, placement: input.placement };
  const { order, resource: cluster } = await placeOrder(deps, tenantId, {
    kind: "cluster.create",
    idempotencyKey: input.idempotencyKey,
    request: dedicated ? { ...request, dedicated } : request,
    // Dedicated storage is the tenant's storage: it counts against max_storage_tb like a pool.
    reserve: { max_clusters: 1, ...(dedicated ? { max_storage_tb: dedicated.storage.sizeTb } : {}) },
    conflicts: { clusters_tenant_id_name_uq: `a cluster named ${input.name} already exists` },
    async write(tx, orderId, announce) {
      const [row] = await tx
        .insert(clusters)
        .values({
          id: newId("cluster"),
          tenantId,
          orderId,
          ...request,
          dedicated,
          storageTb: dedicated?.storage.sizeTb ?? 0,
        })
        .returning();
      if (!row) throw new Error("cluster insert returned no row");
      announce({ type: "cluster.requested.v1", data: { clusterId: row.id, orderId, ...request } });
      return row;
    },
    workflow(orderId, row) {
      const base = { tenantId, orderId, clusterId: row.id, region: row.region };
      return row.dedicated
        ? { name: WORKFLOW_NAMES.provisionDedicatedCluster, input: { ...base, ...row.dedicated } }
        : { name: WORKFLOW_NAMES.provisionCluster, input: base };
    },
    async find(tx, orderId) {
      const [row] = await tx.select().from(clusters).where(eq(clusters.orderId, orderId));
      return row ?? null;
    },
  });

  // Started after commit so the workflow never sees rows that might roll back. A retry of the same
  // request reaches this line again and attaches to the same execution (USE_EXISTING).
  await startCommittedOrder(deps, order);
  return { cluster: toClusterDto(cluster), order: toOrderDto(order) };
}

function requireDedicated(tenant: TenantAccessInfo, input: CreateClusterInput): DedicatedSpec {
  if (!tenant.dedicatedEntitled) {
    throw new DomainError("placement_not_allowed", "this tenant is not entitled to dedicated placement", {
      placement: input.placement,
    });
  }
  if (!input.dedicated) {
    throw new DomainError("invalid_input", "dedicated placement needs dedicated settings", {
      issues: [{ path: ["dedicated"], message: "required for placement: dedicated" }],
    });
  }
  return input.dedicated;
}
