import { z } from "zod";
import {
  EVENT_CATALOGUE,
  eventTypeOfCloudEvent,
  isId,
  type EventData,
  type EventId,
  type EventType,
  type TenantId,
  type Topic,
} from "@platforma/contracts";
import { InvalidEventError, type InvalidEventReason } from "./invalid-event-error.ts";
import { CE_HEADERS } from "./producer.ts";

/** One catalogued event as a consumer receives it: CloudEvents attributes, Kafka coordinates, typed data. */
export interface ConsumedEventOf<T extends EventType> {
  id: EventId;
  type: T;
  /** The CloudEvents `type`, e.g. `dev.platforma.cluster.ready.v1`. */
  ceType: string;
  source: string;
  time: Date;
  tenantId: TenantId;
  topic: Topic;
  partition: number;
  offset: bigint;
  data: EventData<T>;
}

/** Any catalogued event; narrow on `type` to get its typed `data`. */
export type ConsumedEvent = { [T in EventType]: ConsumedEventOf<T> }[EventType];

/** A Kafka message with string key, value and headers, as the consumer reads it. */
export interface RawEventMessage {
  topic: string;
  partition: number;
  offset: bigint;
  key: string | undefined;
  value: string | undefined;
  headers: ReadonlyMap<string, string>;
}

/**
 * Checks a message against the CloudEvents Kafka binding (binary mode) and the catalogue, and
 * returns the typed event; throws `InvalidEventError` saying what is wrong otherwise. Unknown
 * fields in `data` are dropped rather than refused, so an additive change does not break an older
 * consumer.
 */
export function parseEventMessage(message: RawEventMessage): ConsumedEvent {
  const at = { topic: message.topic, partition: message.partition, offset: message.offset };
  const eventId = message.headers.get(CE_HEADERS.id);
  const fail = (reason: InvalidEventReason, detail: string, cause?: unknown): never => {
    throw new InvalidEventError(reason, detail, at, eventId, cause === undefined ? undefined : { cause });
  };
  const header = (name: string): string => {
    const value = message.headers.get(name);
    if (value === undefined || value === "") return fail("missing_attribute", `no ${name} header`);
    return value;
  };

  const specversion = header(CE_HEADERS.specversion);
  if (specversion !== "1.0") fail("unsupported_specversion", `ce_specversion ${specversion}, expected 1.0`);
  const id = header(CE_HEADERS.id);
  if (!isId("event", id)) fail("invalid_attribute", `ce_id ${JSON.stringify(id)} is not an event id`);
  const ceType = header(CE_HEADERS.type);
  const type = eventTypeOfCloudEvent(ceType);
  if (type === null) {
    return fail("unknown_type", `unknown event type ${JSON.stringify(ceType)}: not in the catalogue`);
  }
  const source = header(CE_HEADERS.source);
  const timeHeader = header(CE_HEADERS.time);
  const time = new Date(timeHeader);
  if (Number.isNaN(time.getTime()))
    fail("invalid_attribute", `ce_time ${JSON.stringify(timeHeader)} is not a time`);
  const tenantId = header(CE_HEADERS.tenantId);
  if (!isId("tenant", tenantId)) {
    fail("invalid_attribute", `ce_tenantid ${JSON.stringify(tenantId)} is not a tenant id`);
  }
  if (message.key !== tenantId) {
    fail("key_mismatch", `key ${JSON.stringify(message.key ?? null)} is not the event's tenant ${tenantId}`);
  }
  const contentType = message.headers.get(CE_HEADERS.contentType);
  if (contentType !== undefined && !contentType.startsWith("application/json")) {
    fail("invalid_attribute", `content-type ${contentType}, expected application/json`);
  }
  const entry = EVENT_CATALOGUE[type];
  if (entry.topic !== message.topic) {
    fail("wrong_topic", `${type} belongs on ${entry.topic}, not on ${message.topic}`);
  }

  let body: unknown;
  try {
    body = JSON.parse(message.value ?? "");
  } catch (error) {
    return fail("invalid_json", `body of ${type} ${id} is not JSON`, error);
  }
  const parsed = entry.data.safeParse(body);
  if (!parsed.success) {
    return fail(
      "invalid_data",
      `data of ${type} ${id} does not match the catalogue: ${z.prettifyError(parsed.error)}`,
      parsed.error,
    );
  }
  return {
    id: id as EventId,
    type,
    ceType,
    source,
    time,
    tenantId: tenantId as TenantId,
    topic: entry.topic,
    partition: message.partition,
    offset: message.offset,
    data: parsed.data,
  } as ConsumedEvent;
}
