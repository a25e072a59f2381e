import { z } from "zod";

/**
 * The event catalogue: every topic and event type the platform emits. Event types are versioned;
 * changes are additive, and a rename or a breaking change is a new version.
 * Kafka key = tenant id; CloudEvents 1.0 binary mode (`ce_*` headers), JSON body = `data`.
 */
export const TOPICS = {
  tenants: "platforma.tenants.v1",
  orders: "platforma.orders.v1",
  infrastructure: "platforma.infrastructure.v1",
  quotas: "platforma.quotas.v1",
  iam: "platforma.iam.v1",
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

const region = z.string();
const violation = z.object({ quota: z.string(), limit: z.number(), used: z.number(), requested: z.number() });
const quotaLimits = z.record(z.string(), z.number());
const orderRef = { orderId: z.string(), workflowId: z.string() };
const tenantState = z.enum(["active", "suspended", "archived", "deleted"]);
const transitionRef = { tenantId: z.string(), previousState: tenantState, requestedBy: z.string() };
const storeCount = z.object({ deleted: z.number(), remaining: z.number() });

export const EVENT_CATALOGUE = {
  "tenant.created.v1": {
    topic: TOPICS.tenants,
    description: "An operator created a tenant.",
    data: z.object({ tenantId: z.string(), name: z.string(), allowedRegions: z.array(region) }),
  },
  "tenant.suspended.v1": {
    topic: TOPICS.tenants,
    description: "An operator suspended the tenant: no API access, data and compute kept.",
    data: z.object({ ...transitionRef, reason: z.string() }),
  },
  "tenant.resumed.v1": {
    topic: TOPICS.tenants,
    description: "A suspended tenant is active again.",
    data: z.object(transitionRef),
  },
  "tenant.archived.v1": {
    topic: TOPICS.tenants,
    description:
      "The tenant is archived: no API access from now on; its data is being exported under `archivePrefix` and its compute released.",
    data: z.object({ ...transitionRef, reason: z.string().nullable(), archivePrefix: z.string() }),
  },
  "tenant.archive_completed.v1": {
    topic: TOPICS.tenants,
    description:
      "The archive export is written (manifest with row counts per table) and the tenant's compute is released: it costs nothing.",
    data: z.object({
      tenantId: z.string(),
      manifestKey: z.string(),
      rows: z.record(z.string(), z.number()),
      released: z.object({
        allocations: z.number(),
        clusters: z.number(),
        instances: z.number(),
        storagePools: z.number(),
      }),
    }),
  },
  "tenant.restored.v1": {
    topic: TOPICS.tenants,
    description: "An archived tenant is active again (released compute is not re-provisioned).",
    data: z.object(transitionRef),
  },
  "tenant.deletion_requested.v1": {
    topic: TOPICS.tenants,
    description: "Deletion was requested: no API access; the purge runs at `purgeAfter` unless cancelled.",
    data: z.object({
      ...transitionRef,
      reason: z.string().nullable(),
      retentionDays: z.number(),
      purgeAfter: z.string(),
    }),
  },
  "tenant.deletion_cancelled.v1": {
    topic: TOPICS.tenants,
    description:
      "A pending deletion was cancelled within the retention window; the tenant is back in `state`.",
    data: z.object({ ...transitionRef, state: tenantState }),
  },
  "tenant.purged.v1": {
    topic: TOPICS.tenants,
    description:
      "The tenant's data is gone: provider resources released, rows deleted per tenant table, objects deleted; the counts are what the verification found. Only a tombstone remains.",
    data: z.object({
      tenantId: z.string(),
      purgedAt: z.string(),
      allocationsReleased: z.number(),
      rows: z.record(z.string(), storeCount),
      objects: storeCount,
    }),
  },
  "tenant.transition_failed.v1": {
    topic: TOPICS.tenants,
    description:
      "A lifecycle transition (or the purge) failed; the tenant stays in `state` and the operator is told why.",
    data: z.object({
      tenantId: z.string(),
      transition: z.string(),
      state: tenantState,
      reason: z.string(),
      message: z.string(),
    }),
  },
  "order.placed.v1": {
    topic: TOPICS.orders,
    description: "A provisioning order was admitted (quota reserved) and its workflow is about to start.",
    data: z.object({ ...orderRef, kind: z.string(), request: z.record(z.string(), z.unknown()) }),
  },
  "order.completed.v1": {
    topic: TOPICS.orders,
    description: "Every step of the order succeeded.",
    data: z.object({ ...orderRef, kind: z.string() }),
  },
  "order.failed.v1": {
    topic: TOPICS.orders,
    description: "The order failed; anything it held was released, including its quota.",
    data: z.object({ ...orderRef, kind: z.string(), reason: z.string(), message: z.string() }),
  },
  "cluster.requested.v1": {
    topic: TOPICS.infrastructure,
    description: "A cluster row was created in state `provisioning`.",
    data: z.object({
      clusterId: z.string(),
      orderId: z.string(),
      name: z.string(),
      region,
      placement: z.string(),
    }),
  },
  "cluster.ready.v1": {
    topic: TOPICS.infrastructure,
    description: "The cluster's capacity is allocated and it is usable.",
    data: z.object({ clusterId: z.string(), orderId: z.string(), region }),
  },
  "cluster.failed.v1": {
    topic: TOPICS.infrastructure,
    description: "Provisioning the cluster failed; it holds no capacity.",
    data: z.object({ clusterId: z.string(), orderId: z.string(), reason: z.string() }),
  },
  "order.step_changed.v1": {
    topic: TOPICS.orders,
    description: "A step of an order started, finished, failed or was compensated.",
    data: z.object({ orderId: z.string(), step: z.string(), state: z.string() }),
  },
  "order.compensated.v1": {
    topic: TOPICS.orders,
    description:
      "The order was undone (failed or cancelled); everything it held was released, its quota given back.",
    data: z.object({ ...orderRef, kind: z.string(), reason: z.string(), message: z.string() }),
  },
  "order.cancel_requested.v1": {
    topic: TOPICS.orders,
    description: "The tenant asked to cancel a running order; compensation follows.",
    data: z.object({ orderId: z.string(), workflowId: z.string() }),
  },
  "cluster.deletion_requested.v1": {
    topic: TOPICS.infrastructure,
    description: "Deprovisioning of the cluster started.",
    data: z.object({ clusterId: z.string(), orderId: z.string() }),
  },
  "cluster.deleted.v1": {
    topic: TOPICS.infrastructure,
    description: "The cluster and everything on it were deprovisioned; capacity and quota were released.",
    data: z.object({ clusterId: z.string(), orderId: z.string() }),
  },
  "network.created.v1": {
    topic: TOPICS.infrastructure,
    description: "A dedicated network (own VLAN) was created for a cluster.",
    data: z.object({ networkId: z.string(), clusterId: z.string(), vlanId: z.number(), cidr: z.string() }),
  },
  "network.rules_updated.v1": {
    topic: TOPICS.infrastructure,
    description: "The tenant changed a network's firewall rules (a new desired version).",
    data: z.object({ networkId: z.string(), version: z.number(), rules: z.number() }),
  },
  "network.rules_applied.v1": {
    topic: TOPICS.infrastructure,
    description: "The provider now enforces this version of the network's firewall rules.",
    data: z.object({ networkId: z.string(), version: z.number() }),
  },
  "instance.requested.v1": {
    topic: TOPICS.infrastructure,
    description: "An instance row was created in state `provisioning` (its cores and memory are reserved).",
    data: z.object({
      instanceId: z.string(),
      clusterId: z.string(),
      orderId: z.string(),
      cpuCores: z.number(),
      memoryGb: z.number(),
    }),
  },
  "instance.ready.v1": {
    topic: TOPICS.infrastructure,
    description: "The instance is running.",
    data: z.object({ instanceId: z.string(), clusterId: z.string(), orderId: z.string() }),
  },
  "instance.failed.v1": {
    topic: TOPICS.infrastructure,
    description: "Provisioning the instance failed; its quota was given back.",
    data: z.object({
      instanceId: z.string(),
      clusterId: z.string(),
      orderId: z.string(),
      reason: z.string(),
    }),
  },
  "instance.deleted.v1": {
    topic: TOPICS.infrastructure,
    description: "The instance was deprovisioned; its quota was given back.",
    data: z.object({ instanceId: z.string(), clusterId: z.string(), orderId: z.string() }),
  },
  "storage_pool.requested.v1": {
    topic: TOPICS.infrastructure,
    description: "A storage pool row was created in state `provisioning` (its size is reserved).",
    data: z.object({
      storagePoolId: z.string(),
      clusterId: z.string(),
      orderId: z.string(),
      backend: z.string(),
      sizeTb: z.number(),
    }),
  },
  "storage_pool.ready.v1": {
    topic: TOPICS.infrastructure,
    description: "The storage pool is usable.",
    data: z.object({ storagePoolId: z.string(), clusterId: z.string(), orderId: z.string() }),
  },
  "storage_pool.failed.v1": {
    topic: TOPICS.infrastructure,
    description: "Provisioning the storage pool failed; its quota was given back.",
    data: z.object({
      storagePoolId: z.string(),
      clusterId: z.string(),
      orderId: z.string(),
      reason: z.string(),
    }),
  },
  "storage_pool.deleted.v1": {
    topic: TOPICS.infrastructure,
    description: "The storage pool was deprovisioned; its quota was given back.",
    data: z.object({ storagePoolId: z.string(), clusterId: z.string(), orderId: z.string() }),
  },
  "quota.rejected.v1": {
    topic: TOPICS.quotas,
    description: "A request was refused because it did not fit the tenant's quotas.",
    data: z.object({ operation: z.string(), violations: z.array(violation) }),
  },
  "quota.limits_updated.v1": {
    topic: TOPICS.quotas,
    description: "An operator changed the tenant's limits.",
    data: z.object({ previous: quotaLimits, limits: quotaLimits, updatedBy: z.string() }),
  },
  "quota.usage_corrected.v1": {
    topic: TOPICS.quotas,
    description: "The reconciler found recorded usage different from the resource tables and repaired it.",
    data: z.object({ quota: z.string(), recorded: z.number(), actual: z.number() }),
  },
  "user.invited.v1": {
    topic: TOPICS.iam,
    description: "A user was invited to the tenant.",
    data: z.object({ userId: z.string(), roles: z.array(z.string()), invitedBy: z.string() }),
  },
  "user.roles_updated.v1": {
    topic: TOPICS.iam,
    description: "A user's roles changed.",
    data: z.object({
      userId: z.string(),
      roles: z.array(z.string()),
      previousRoles: z.array(z.string()),
      updatedBy: z.string(),
    }),
  },
  "user.removed.v1": {
    topic: TOPICS.iam,
    description: "A user was removed from the tenant.",
    data: z.object({ userId: z.string(), removedBy: z.string() }),
  },
  "api_key.created.v1": {
    topic: TOPICS.iam,
    description: "An API key was created (never carries the secret).",
    data: z.object({
      keyId: z.string(),
      name: z.string(),
      scopes: z.array(z.string()),
      expiresAt: z.string().nullable(),
      createdBy: z.string(),
    }),
  },
  "api_key.revoked.v1": {
    topic: TOPICS.iam,
    description: "An API key was revoked; it is refused from now on.",
    data: z.object({ keyId: z.string(), revokedBy: z.string() }),
  },
} as const;

export type EventType = keyof typeof EVENT_CATALOGUE;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_CATALOGUE)[T]["data"]>;

/** CloudEvents `source` of everything the control plane emits. */
export const EVENT_SOURCE = "urn:platforma:control-plane";
const CLOUD_EVENT_TYPE_PREFIX = "dev.platforma." as const;

/** CloudEvents `type` for a catalogue type, e.g. `dev.platforma.cluster.ready.v1`. */
export const cloudEventType = <T extends EventType>(type: T): CloudEventType<T> =>
  `${CLOUD_EVENT_TYPE_PREFIX}${type}`;
export type CloudEventType<T extends EventType = EventType> = `${typeof CLOUD_EVENT_TYPE_PREFIX}${T}`;

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, value);
}

/** Kafka key of every event: the tenant id, so one tenant's events share a partition per topic. */
export const EVENT_KEY = "tenant id";

export interface TopicSettings {
  /**
   * Fixed at creation. Adding partitions later moves tenants to other partitions and breaks
   * per-tenant order for events in flight, so a change is a new topic version.
   */
  partitions: number;
  /** How long a consumer may fall behind (or be down) before it loses events. */
  retentionMs: number;
  description: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Every topic's partitions and retention, applied when the topic is created. */
export const TOPIC_SETTINGS = {
  [TOPICS.tenants]: {
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    description: "Tenant lifecycle: creation, state changes.",
  },
  [TOPICS.orders]: {
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    description: "Provisioning orders: placed, completed, failed.",
  },
  [TOPICS.infrastructure]: {
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    description: "Clusters, instances and storage pools: requested, ready, failed, deleted.",
  },
  [TOPICS.quotas]: {
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    description: "Quota refusals, limit changes and reconciler corrections.",
  },
  [TOPICS.iam]: {
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    description: "Users and API keys.",
  },
} as const satisfies Record<Topic, TopicSettings>;

/** The catalogue type of a CloudEvents `type`, or null when it is not in the catalogue. */
export function eventTypeOfCloudEvent(ceType: string): EventType | null {
  if (!ceType.startsWith(CLOUD_EVENT_TYPE_PREFIX)) return null;
  const type = ceType.slice(CLOUD_EVENT_TYPE_PREFIX.length);
  return isEventType(type) ? type : null;
}
