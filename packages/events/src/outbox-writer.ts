import { EVENT_CATALOGUE, newId, type EventData, type EventType, type TenantId } from "@platforma/contracts";
import { outbox, type Tx } from "@platforma/db";

export interface AppendedEvent {
  id: string;
  type: EventType;
}

/**
 * Writes an event to the outbox inside the caller's transaction, so the event exists if and only
 * if the change it announces commits. The payload is validated against the catalogue here, at the
 * producer, so a malformed event never reaches a consumer.
 */
export async function appendEvent<T extends EventType>(
  tx: Tx,
  tenantId: TenantId,
  type: T,
  data: EventData<T>,
): Promise<AppendedEvent> {
  const entry = EVENT_CATALOGUE[type];
  const parsed = entry.data.parse(data);
  const id = newId("event");
  await tx.insert(outbox).values({ id, tenantId, topic: entry.topic, type, data: parsed });
  return { id, type };
}
