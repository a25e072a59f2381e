import { and, asc, count, inArray, isNull, notInArray, sql } from "drizzle-orm";
import { TOPICS } from "@platforma/contracts";
import { outbox, type SystemDb } from "@platforma/db";
import { silentLogger, type Logger } from "./logger.ts";
import { createEventProducer, toEventMessage, type EventProducer } from "./producer.ts";

export type RelayOptions = {
  db: SystemDb;
  logger?: Logger;
  /** Rows per transaction and per producer batch. */
  batchSize?: number;
  /** Wait between polls when the outbox is empty or another relay holds the lock. */
  pollIntervalMs?: number;
  /** Ceiling of the exponential backoff after a failed batch. */
  maxBackoffMs?: number;
} & (
  | { /** Owned by the caller: `stop()` leaves it open. */ producer: EventProducer }
  | { /** The relay creates its producer and closes it on `stop()`. */ brokers: readonly string[] }
);

export interface Relay {
  /** Polls until `stop()`; a failed batch is logged and retried with exponential backoff. */
  start(): void;
  /** Finishes the batch in flight, then stops polling. Final: a stopped relay cannot be started again. */
  stop(): Promise<void>;
  /** Publishes at most one batch; resolves to the number of rows published (0 when another relay holds the lock). */
  drainOnce(): Promise<number>;
}

/**
 * Serialises publishing across relay processes: whoever holds it publishes, the others idle. A
 * transaction-level lock, so a relay that dies mid-batch releases it with its connection.
 */
const RELAY_LOCK_KEY = sql`hashtext('platforma.outbox_relay')`;

/**
 * Only catalogued topics are selected. A row for any other topic (written by a newer build, or by
 * hand) cannot be published by this build; selecting it would fail every batch and stall every
 * tenant behind it, so it is left unpublished and reported instead.
 */
const PUBLISHABLE_TOPICS: string[] = Object.values(TOPICS);
const STRANDED_CHECK_INTERVAL_MS = 60_000;

/**
 * Publishes the outbox to Kafka, at least once and in commit order per tenant. Each batch is one
 * transaction: take the lock, read the oldest unpublished rows, send them and wait for the acks,
 * mark them. A failed send rolls the transaction back, so the rows are retried; a crash between
 * the acks and the commit republishes them, which consumers absorb by deduplicating on `ce_id`.
 * Selecting by `published_at IS NULL` rather than "seq after the last one seen" is what keeps a
 * row whose transaction committed after a higher seq was published from being skipped.
 */
export function createRelay(options: RelayOptions): Relay {
  const { db, logger = silentLogger, batchSize = 500, pollIntervalMs = 200, maxBackoffMs = 30_000 } = options;
  const producer =
    "producer" in options ? options.producer : createEventProducer({ brokers: options.brokers });
  const ownsProducer = !("producer" in options);

  let running = false;
  let stopped = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  async function drainOnce(): Promise<number> {
    return db.transaction(async (tx) => {
      const lock = await tx.execute<{ locked: boolean }>(
        sql`select pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}) as locked`,
      );
      if (lock.rows[0]?.locked !== true) return 0;

      const rows = await tx
        .select({
          seq: outbox.seq,
          id: outbox.id,
          tenantId: outbox.tenantId,
          topic: outbox.topic,
          type: outbox.type,
          data: outbox.data,
          occurredAt: outbox.occurredAt,
        })
        .from(outbox)
        .where(and(isNull(outbox.publishedAt), inArray(outbox.topic, PUBLISHABLE_TOPICS)))
        .orderBy(asc(outbox.seq))
        .limit(batchSize);
      if (rows.length === 0) return 0;

      await producer.send({ messages: rows.map(toEventMessage) });

      const seqs = rows.map((row) => row.seq);
      await tx
        .update(outbox)
        .set({ publishedAt: sql`now()` })
        .where(sql`${outbox.seq} = any(${sql.param(seqs)}::bigint[])`);
      return rows.length;
    });
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function reportStranded(): Promise<void> {
    const [row] = await db
      .select({ stranded: count() })
      .from(outbox)
      .where(and(isNull(outbox.publishedAt), notInArray(outbox.topic, PUBLISHABLE_TOPICS)));
    if (row && row.stranded > 0) {
      logger.warn(
        { stranded: row.stranded },
        "outbox rows for topics outside the catalogue are not published",
      );
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    let strandedCheckedAt = 0;
    while (running) {
      try {
        if (Date.now() - strandedCheckedAt >= STRANDED_CHECK_INTERVAL_MS) {
          strandedCheckedAt = Date.now();
          await reportStranded();
        }
        const published = await drainOnce();
        failures = 0;
        // A full batch means there is likely more behind it: go again without waiting.
        if (published < batchSize) await sleep(pollIntervalMs);
      } catch (error) {
        failures += 1;
        const retryInMs = Math.min(pollIntervalMs * 2 ** failures, maxBackoffMs);
        logger.error({ err: error, failures, retryInMs }, "outbox relay batch failed; rows stay unpublished");
        await sleep(retryInMs);
      }
    }
  }

  return {
    drainOnce,
    start() {
      // The producer may be closed by stop(), so a relay is not restartable: make a new one.
      if (stopped) throw new Error("outbox relay was stopped; create a new one");
      if (running) return;
      running = true;
      logger.info({ batchSize, pollIntervalMs }, "outbox relay started");
      loop = run();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      running = false;
      wake?.();
      await loop;
      loop = undefined;
      if (ownsProducer) await producer.close();
      logger.info({}, "outbox relay stopped");
    },
  };
}
