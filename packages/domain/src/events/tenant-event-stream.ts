import { setTimeout as delay } from "node:timers/promises";
import { and, asc, eq, gt, inArray, max } from "drizzle-orm";
import {
  DomainError,
  isEventType,
  type EventData,
  type EventType,
  type TenantId,
} from "@platforma/contracts";
import { outbox, withTenant, type AppDb } from "@platforma/db";

/** One of the tenant's events as its subscription delivers it. */
export interface TenantEventOf<T extends EventType> {
  id: string;
  type: T;
  /** When it happened (ISO 8601): the transaction that wrote it. */
  time: string;
  data: EventData<T>;
}
/** Any catalogued event; narrow on `type` for typed `data`. */
export type TenantEvent = { [T in EventType]: TenantEventOf<T> }[EventType];

export interface TenantEventStreamOptions {
  /** Resume after this event (the last one received); omitted: events from now on. */
  lastEventId?: string | null;
  /** Only these types; omitted: every type. */
  types?: readonly EventType[];
  pollIntervalMs?: number;
  /** Rows read per query. */
  pageSize?: number;
  /** Ends the stream: the client went away, or the server is shutting down. */
  signal: AbortSignal;
  /** Called before each poll; throws to end the stream (the tenant was suspended, …). */
  checkAccess?: () => Promise<void>;
}

/** The seq to read after: that of `lastEventId` when given, else the tenant's latest. */
async function startingSeq(
  db: AppDb,
  tenantId: TenantId,
  lastEventId: string | null | undefined,
): Promise<number> {
  return withTenant(db, tenantId, async (tx) => {
    if (lastEventId) {
      // Row-level security answers only the tenant's own rows: another tenant's id is "not found".
      const [row] = await tx.select({ seq: outbox.seq }).from(outbox).where(eq(outbox.id, lastEventId));
      if (!row) throw new DomainError("not_found", "lastEventId is not one of this tenant's events", {});
      return row.seq;
    }
    const [row] = await tx.select({ seq: max(outbox.seq) }).from(outbox);
    return row?.seq ?? 0;
  });
}

/**
 * The tenant's own events, in order, read from the outbox under row-level security (the app role,
 * `withTenant`): another tenant's row is invisible to the query itself, not filtered out after.
 * Resuming "after seq N" is exact because `appendEvent` serialises a tenant's event-writing
 * transactions: a tenant's row never becomes visible after a row of it with a higher seq, so no
 * event is skipped by a late commit, and none is delivered twice.
 */
export async function* streamTenantEvents(
  db: AppDb,
  tenantId: TenantId,
  options: TenantEventStreamOptions,
): AsyncGenerator<TenantEvent> {
  const { signal, pollIntervalMs = 500, pageSize = 200 } = options;
  let after = await startingSeq(db, tenantId, options.lastEventId);
  while (!signal.aborted) {
    await options.checkAccess?.();
    const rows = await withTenant(db, tenantId, (tx) =>
      tx
        .select({
          seq: outbox.seq,
          id: outbox.id,
          type: outbox.type,
          data: outbox.data,
          occurredAt: outbox.occurredAt,
        })
        .from(outbox)
        .where(
          and(
            gt(outbox.seq, after),
            options.types && options.types.length > 0 ? inArray(outbox.type, [...options.types]) : undefined,
          ),
        )
        .orderBy(asc(outbox.seq))
        .limit(pageSize),
    );
    for (const row of rows) {
      after = row.seq;
      // A type this build does not know (written by a newer one) is not part of its typed stream.
      if (!isEventType(row.type)) continue;
      yield { id: row.id, type: row.type, time: row.occurredAt.toISOString(), data: row.data } as TenantEvent;
      if (signal.aborted) return;
    }
    if (rows.length < pageSize) await delay(pollIntervalMs, undefined, { signal }).catch(() => undefined);
  }
}
