import { eq } from "drizzle-orm";
import type {
  ClusterId,
  InstanceId,
  OrderId,
  QuotaRequest,
  ResourceKind,
  StoragePoolId,
  TenantId,
} from "@platforma/contracts";
import { instances, storagePools, type ResourceState, type TenantTx } from "@platforma/db";
import { appendEvent } from "@platforma/events";

/** What the generic order/deletion flow needs to know about one resource row. */
export interface ResourceRef {
  id: InstanceId | StoragePoolId;
  clusterId: ClusterId;
  orderId: OrderId;
  state: ResourceState;
  /** What the resource holds of its tenant's quotas while it exists. */
  quota: QuotaRequest;
}

type Outcome = "ready" | "failed" | "deleted";

/**
 * Per-kind access for the shared resource flows (provision, fail, delete). Ids arrive as plain
 * strings from workflow inputs; each adapter narrows them to its own kind.
 */
export interface ResourceAdapter {
  kind: ResourceKind;
  lock(tx: TenantTx, id: string): Promise<ResourceRef | null>;
  /** The resources an order wrote (one, for the create orders). */
  lockByOrder(tx: TenantTx, orderId: OrderId): Promise<ResourceRef[]>;
  setState(tx: TenantTx, id: string, state: ResourceState): Promise<void>;
  announce(
    tx: TenantTx,
    tenantId: TenantId,
    ref: ResourceRef,
    outcome: Outcome,
    reason?: string,
  ): Promise<void>;
}

const instanceRef = (row: typeof instances.$inferSelect): ResourceRef => ({
  ...row,
  quota: { max_instances: 1, max_cpu_cores: row.cpuCores, max_memory_gb: row.memoryGb },
});

const instanceAdapter: ResourceAdapter = {
  kind: "instance",
  async lock(tx, id) {
    const [row] = await tx
      .select()
      .from(instances)
      .where(eq(instances.id, id as InstanceId))
      .for("update");
    return row ? instanceRef(row) : null;
  },
  async lockByOrder(tx, orderId) {
    const rows = await tx.select().from(instances).where(eq(instances.orderId, orderId)).for("update");
    return rows.map(instanceRef);
  },
  async setState(tx, id, state) {
    await tx
      .update(instances)
      .set({ state, updatedAt: new Date() })
      .where(eq(instances.id, id as InstanceId));
  },
  async announce(tx, tenantId, ref, outcome, reason) {
    const data = { instanceId: ref.id, clusterId: ref.clusterId, orderId: ref.orderId };
    if (outcome === "ready") await appendEvent(tx, tenantId, "instance.ready.v1", data);
    else if (outcome === "deleted") await appendEvent(tx, tenantId, "instance.deleted.v1", data);
    else await appendEvent(tx, tenantId, "instance.failed.v1", { ...data, reason: reason ?? "failed" });
  },
};

const storagePoolAdapter: ResourceAdapter = {
  kind: "storagePool",
  async lock(tx, id) {
    const [row] = await tx
      .select()
      .from(storagePools)
      .where(eq(storagePools.id, id as StoragePoolId))
      .for("update");
    return row ? { ...row, quota: { max_storage_tb: row.sizeTb } } : null;
  },
  async lockByOrder(tx, orderId) {
    const rows = await tx.select().from(storagePools).where(eq(storagePools.orderId, orderId)).for("update");
    return rows.map((row) => ({ ...row, quota: { max_storage_tb: row.sizeTb } }));
  },
  async setState(tx, id, state) {
    await tx
      .update(storagePools)
      .set({ state, updatedAt: new Date() })
      .where(eq(storagePools.id, id as StoragePoolId));
  },
  async announce(tx, tenantId, ref, outcome, reason) {
    const data = { storagePoolId: ref.id, clusterId: ref.clusterId, orderId: ref.orderId };
    if (outcome === "ready") await appendEvent(tx, tenantId, "storage_pool.ready.v1", data);
    else if (outcome === "deleted") await appendEvent(tx, tenantId, "storage_pool.deleted.v1", data);
    else await appendEvent(tx, tenantId, "storage_pool.failed.v1", { ...data, reason: reason ?? "failed" });
  },
};

export const RESOURCE_ADAPTERS: Record<ResourceKind, ResourceAdapter> = {
  instance: instanceAdapter,
  storagePool: storagePoolAdapter,
};
