import { sql } from "drizzle-orm";
import { EVENT_CATALOGUE, newId, type EventData, type EventType, type TenantId } from "@platforma/contracts";
import { outbox, type Tx } from "@platforma/db";
import { OUTBOX_CHANNEL } from "./outbox-listener.ts";

export interface AppendedEvent {
  id: string;
  type: EventType;
}

/**
 * The namespace of the per-tenant append locks (two-key advisory locks: namespace, tenant hash),
 * apart from every other advisory lock in the database.
 */
const APPEND_LOCK_NAMESPACE = sql`hashtext('platforma.outbox.append')`;

/**
 * Writes an event to the outbox inside the caller's transaction, so the event exists if and only
 * if the change it announces commits. The payload is validated against the catalogue here, at the
 * producer, so a malformed event never reaches a consumer.
 *
 * Per-tenant order is commit order, and it is also `seq` order: before its insert, a transaction
 * takes the tenant's append lock (`pg_advisory_xact_lock`, held until commit or rollback), so two
 * transactions of one tenant cannot both hold unpublished, uncommitted events — the second waits
 * for the first to end before it draws its `seq`. Hence, for any tenant, once a row is visible
 * every row of that tenant with a lower `seq` is visible too (or was rolled back): the relay can
 * publish a tenant's rows in `seq` order and the subscription can resume "after seq N" without
 * ever skipping a row that commits late. Other tenants are not serialised.
 *
 * Because the lock is held to the end of the transaction, call this after the transaction's other
 * row locks are taken (every use case does: it announces a change it already made), so the lock
 * order is always "rows, then the tenant's append lock" and two use cases cannot deadlock on it.
 * This is the only writer of the outbox. It also notifies `OUTBOX_CHANNEL`, which wakes listening
 * relays on commit (see outbox-listener.ts).
 */
export async function appendEvent<T extends EventType>(
  tx: Tx,
  tenantId: TenantId,
  type: T,
  data: EventData<T>,
): Promise<AppendedEvent> {
  const [appended] = await appendEvents(tx, tenantId, [{ type, data } as PendingEvent]);
  if (!appended) throw new Error("appendEvents returned no event");
  return appended;
}

/** An event not yet appended: a type of the catalogue and its data. */
export type PendingEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];

/**
 * `appendEvent` for several events of one tenant at once, in the given order (their `seq` order):
 * one lock and one insert, so a transaction that announces several changes holds the tenant's
 * append lock for as short a time as one that announces one.
 */
export async function appendEvents(
  tx: Tx,
  tenantId: TenantId,
  events: readonly PendingEvent[],
): Promise<AppendedEvent[]> {
  if (events.length === 0) return [];
  const rows = events.map(({ type, data }) => {
    const entry = EVENT_CATALOGUE[type];
    return {
      id: newId("event"),
      tenantId,
      topic: entry.topic,
      type,
      data: entry.data.parse(data) as unknown,
    };
  });
  // The notification rides on the lock's round trip; Postgres sends it only if this transaction
  // commits, so relays wake as soon as the row is visible instead of at their next poll.
  await tx.execute(
    sql`select pg_advisory_xact_lock(${APPEND_LOCK_NAMESPACE}, hashtext(${tenantId})), pg_notify(${OUTBOX_CHANNEL}, '')`,
  );
  // One multi-row insert draws `seq` in the order of its rows.
  await tx.insert(outbox).values(rows);
  return rows.map((row) => ({ id: row.id, type: row.type }));
}
