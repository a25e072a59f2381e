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
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

const region = z.string();
const orderRef = { orderId: z.string(), workflowId: z.string() };

export const EVENT_CATALOGUE = {
  "tenant.created.v1": {
    topic: TOPICS.tenants,
    description: "An operator created a tenant.",
    data: z.object({ tenantId: z.string(), name: z.string(), allowedRegions: z.array(region) }),
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
} as const;

export type EventType = keyof typeof EVENT_CATALOGUE;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_CATALOGUE)[T]["data"]>;

/** CloudEvents `source` of everything the control plane emits. */
export const EVENT_SOURCE = "urn:platforma:control-plane";
/** CloudEvents `type` for a catalogue type, e.g. `dev.platforma.cluster.ready.v1`. */
export const cloudEventType = (type: EventType) => `dev.platforma.${type}`;

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, value);
}
