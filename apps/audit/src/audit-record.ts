import type { ConsumedEvent } from "@platforma/events";

/**
 * `audit/<yyyy-mm-dd>/<event id>.json` inside the tenant's prefix (the store adds
 * `tenants/<tenant_id>/`), dated by when the event happened (UTC).
 */
export function auditKey(event: ConsumedEvent): string {
  const day = event.time.toISOString().slice(0, 10);
  return `audit/${day}/${event.id}.json`;
}

/** The audit object: the event as a structured-mode CloudEvent, plus where it was read from. */
export function auditRecord(event: ConsumedEvent): string {
  return `${JSON.stringify(
    {
      specversion: "1.0",
      id: event.id,
      type: event.ceType,
      source: event.source,
      time: event.time.toISOString(),
      tenantid: event.tenantId,
      datacontenttype: "application/json",
      data: event.data,
      kafka: { topic: event.topic, partition: event.partition, offset: event.offset.toString() },
    },
    null,
    2,
  )}\n`;
}
