import {
  type OrderId,
  type ProvisionClusterInput,
  type ResourceOrderInput,
  type TenantId,
} from "@platforma/contracts";
import type { AppDb, SystemDb } from "@platforma/db";
import {
  completeClusterOrder,
  completeResourceDeletion,
  completeResourceProvisioning,
  failClusterOrder,
  failResourceProvisioning,
  markOrderStep,
  reconcileUsage,
  tenantsToReconcile,
} from "@platforma/domain";
import type { ProviderDriver } from "@platforma/providers";
import { createDedicatedActivities } from "./dedicated.ts";
import { providerCall } from "./provider-call.ts";
import type { TenantObjectStore } from "@platforma/storage";
import { createLifecycleActivities } from "./lifecycle-activities.ts";

export interface ActivityDeps {
  db: AppDb;
  /** Only for cross-tenant reads (the reconciler's tenant list); tenant work goes through `db`. */
  systemDb: SystemDb;
  provider: ProviderDriver;
  /** Tenant objects: the archive writes here, the purge deletes the tenant's prefix. */
  store: TenantObjectStore;
  /** Platform default retention for tenant deletion, in days. */
  defaultRetentionDays: number;
  /** How long one attempt waits for the relay to publish a tenant's events before the purge. */
  outboxWaitMs?: number;
}

/** One allocation per resource: provisioning and every release use the same key. */
const resourceKey = (input: ResourceOrderInput) => `${input.kind}.${input.resourceId}`;
const clusterKey = (input: ProvisionClusterInput) => `${input.orderId}.compute`;

/** Activities are thin: each opens its own tenant transaction from the tenant id in its input. */
export function createActivities(deps: ActivityDeps) {
  const { db, provider } = deps;
  return {
    ...createDedicatedActivities(deps),
    ...createLifecycleActivities(deps),
    async markOrderStep(
      order: { tenantId: TenantId; orderId: OrderId },
      step: string,
      state: "running" | "done" | "compensated",
    ): Promise<void> {
      await markOrderStep(db, order.tenantId, order.orderId, { name: step, state });
    },

    async allocateClusterCapacity(input: ProvisionClusterInput): Promise<string> {
      return providerCall(async () => {
        const allocation = await provider.allocateCluster({ ...input, requestKey: clusterKey(input) });
        return allocation.allocationId;
      });
    },
    async releaseClusterCapacity(input: ProvisionClusterInput): Promise<void> {
      await providerCall(() => provider.releaseCluster({ ...input, requestKey: clusterKey(input) }));
    },
    async completeClusterOrder(input: ProvisionClusterInput): Promise<void> {
      await completeClusterOrder(db, input);
    },
    async failClusterOrder(input: ProvisionClusterInput, reason: string, message: string): Promise<void> {
      await failClusterOrder(db, { ...input, reason, message });
    },

    async provisionResource(input: ResourceOrderInput): Promise<void> {
      await providerCall(() => provider.provisionResource({ ...input, requestKey: resourceKey(input) }));
    },
    async releaseResource(input: ResourceOrderInput): Promise<void> {
      await providerCall(() => provider.releaseResource({ ...input, requestKey: resourceKey(input) }));
    },
    async completeResourceProvisioning(input: ResourceOrderInput): Promise<void> {
      await completeResourceProvisioning(db, input);
    },
    async failResourceProvisioning(
      input: ResourceOrderInput,
      reason: string,
      message: string,
    ): Promise<void> {
      await failResourceProvisioning(db, input, reason, message);
    },
    async completeResourceDeletion(input: ResourceOrderInput): Promise<void> {
      await completeResourceDeletion(db, input);
    },

    async listTenantsToReconcile(): Promise<TenantId[]> {
      return tenantsToReconcile(deps.systemDb);
    },
    /** Returns the number of corrections made. */
    async reconcileTenantUsage(tenantIds: TenantId[]): Promise<number> {
      let corrections = 0;
      for (const tenantId of tenantIds) corrections += (await reconcileUsage(db, tenantId)).length;
      return corrections;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
