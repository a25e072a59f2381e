import {
  compatibilityPartitioner,
  Producer,
  stringSerializers,
  type MessageToProduce,
} from "@platformatic/kafka";
import { cloudEventType, EVENT_SOURCE, type EventType } from "@platforma/contracts";

export type EventProducer = Producer<string, string, string, string>;
export type EventMessage = MessageToProduce<string, string, string, string>;

export interface EventProducerOptions {
  brokers: readonly string[];
  clientId?: string;
  /**
   * Attempts per send before it fails. Finite on purpose: the library retries an idempotent
   * producer forever by default, which would hold the relay's transaction open for the whole
   * outage instead of rolling back and backing off. Must be at least 2.
   */
  retries?: number;
  retryDelayMs?: number;
  connectTimeoutMs?: number;
}

/** Idempotent, acks from all in-sync replicas: an acknowledged event survives a broker loss and a retried batch is not duplicated within a producer session. */
export function createEventProducer(options: EventProducerOptions): EventProducer {
  return new Producer({
    clientId: options.clientId ?? "platforma-relay",
    bootstrapBrokers: [...options.brokers],
    idempotent: true,
    acks: -1,
    retries: options.retries ?? 5,
    retryDelay: options.retryDelayMs ?? 1000,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    // The Java client's murmur2 mapping, so a tenant lands on the same partition whichever
    // client produced the record.
    partitioner: compatibilityPartitioner,
    serializers: stringSerializers,
  });
}

/** The outbox columns an event message is made of. */
export interface OutboxEvent {
  id: string;
  tenantId: string;
  topic: string;
  type: string;
  data: unknown;
  occurredAt: Date;
}

export const CE_HEADERS = {
  id: "ce_id",
  type: "ce_type",
  source: "ce_source",
  time: "ce_time",
  specversion: "ce_specversion",
  tenantId: "ce_tenantid",
  contentType: "content-type",
} as const;

/**
 * CloudEvents 1.0 Kafka binding, binary mode: attributes in `ce_*` headers, `data` as the JSON
 * body, key = tenant id so one tenant's events share a partition and keep their order.
 */
export function toEventMessage(event: OutboxEvent): EventMessage {
  return {
    topic: event.topic,
    key: event.tenantId,
    value: JSON.stringify(event.data),
    headers: {
      [CE_HEADERS.id]: event.id,
      // A row may carry a type from a newer build than this relay (rolling deploy); the mapping is
      // a pure prefix, so it is published rather than left to block the outbox.
      [CE_HEADERS.type]: cloudEventType(event.type as EventType),
      [CE_HEADERS.source]: EVENT_SOURCE,
      [CE_HEADERS.time]: event.occurredAt.toISOString(),
      [CE_HEADERS.specversion]: "1.0",
      [CE_HEADERS.tenantId]: event.tenantId,
      [CE_HEADERS.contentType]: "application/json",
    },
  };
}
