import { and, asc, count, isNull, notInArray, sql } from "drizzle-orm";
import { TOPICS } from "@platforma/contracts";
import { outbox, type SystemDb } from "@platforma/db";
import { backoffDelay } from "./backoff.ts";
import { createOutboxListener } from "./outbox-listener.ts";
import { silentLogger, type Logger } from "./logger.ts";
import { createEventProducer, toEventMessage, type EventMessage, type EventProducer } from "./producer.ts";

export type RelayOptions = {
  db: SystemDb;
  logger?: Logger;
  /** Most rows per transaction and per producer batch. */
  batchSize?: number;
  /**
   * Most bytes of event bodies per producer batch (the first row is always sent, whatever its
   * size). Keeps a batch of large events under the broker's request size limit.
   */
  maxBatchBytes?: number;
  /** Most lock partitions one batch claims, so relays running side by side each get some. */
  partitionsPerBatch?: number;
  /**
   * Batches in flight at once in this process, each on its own partitions and connection (the
   * database pool needs one more connection than this). Overlaps one batch's database work with
   * another's wait for the broker's acks.
   */
  concurrency?: number;
  /** Wait between polls when there was nothing to publish. */
  pollIntervalMs?: number;
  /**
   * Ceiling of the backoff (doubling from `pollIntervalMs`, with jitter) after failed batches: also
   * about the longest the relay takes to notice that the broker or Postgres is back. Small on
   * purpose (default 1 s): an attempt a second is cheap (a failed send has already spent the
   * producer's own retries), while a long ceiling delays every event after an outage by as much.
   */
  maxBackoffMs?: number;
  /**
   * A Postgres URL for a dedicated LISTEN connection: `appendEvent` notifies on commit, so an idle
   * relay publishes at once instead of at its next poll. Polling goes on regardless (the safety
   * net while the connection is down, and for rows written by anything else); without it the
   * relay only polls.
   */
  listenUrl?: string;
} & (
  | { /** Owned by the caller: `stop()` leaves it open. */ producer: Pick<EventProducer, "send" | "close"> }
  | { /** The relay creates its producer and closes it on `stop()`. */ brokers: readonly string[] }
);

export interface RelayStats {
  /** Rows published by this relay so far. */
  published: number;
  /** Commit notifications received (0 without `listenUrl`). */
  notifications: number;
  /** Whether the LISTEN connection is up right now (false without `listenUrl`). */
  listening: boolean;
}

export interface Relay {
  readonly stats: Readonly<RelayStats>;
  /** Polls until `stop()`; a failed batch is logged and retried with exponential backoff. */
  start(): void;
  /** Finishes the batch in flight, then stops polling. Final: a stopped relay cannot be started again. */
  stop(): Promise<void>;
  /** Publishes at most one batch; resolves to the number of rows published (0 when there was nothing it could claim). */
  drainOnce(): Promise<number>;
}

/**
 * Work is split into RELAY_PARTITIONS lock partitions by `hashtext(tenant_id)`; a relay publishes a
 * partition's rows only while it holds that partition's transaction-level advisory lock. A tenant
 * lives in exactly one partition, so at any moment at most one relay publishes its events, oldest
 * first, and per-tenant order holds however many relays run; different partitions are published
 * by different relays in parallel, so relays share the load instead of idling behind one global
 * lock. Locks are transaction-level: a relay that dies mid-batch releases them with its connection
 * and another takes over at once. A power of two, so the partition is `hash & (N - 1)` (no `abs`
 * overflow on the smallest int4). Every relay must use the same value: changing it is a deploy
 * with all relays stopped.
 */
export const RELAY_PARTITIONS = 16;
const PARTITION_OF_ROW = sql`(hashtext(${outbox.tenantId}) & ${sql.raw(String(RELAY_PARTITIONS - 1))})`;
const PARTITION_LOCK_NAMESPACE = sql`hashtext('platforma.outbox.relay_partition')`;

/**
 * The single lock of the previous relay design, which took it exclusively for every batch. Relays
 * now take it shared: they run side by side, while a relay of the previous release still running
 * during a rolling deploy excludes them (and they it), so the two designs never publish the same
 * tenant at once.
 */
const LEGACY_RELAY_LOCK = sql`hashtext('platforma.outbox_relay')`;

/**
 * Only catalogued topics are selected. A row for any other topic (written by a newer build, or by
 * hand) cannot be published by this build; selecting it would fail every batch and stall every
 * tenant behind it, so it is left unpublished and reported instead.
 */
const PUBLISHABLE_TOPICS: string[] = Object.values(TOPICS);
const STRANDED_CHECK_INTERVAL_MS = 60_000;

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Publishes the outbox to Kafka, at least once and in commit order per tenant (which `appendEvent`
 * makes the same as `seq` order per tenant). Each batch is one transaction: claim some lock
 * partitions that have unpublished rows, read their oldest rows, send them and wait for the acks
 * of all in-sync replicas, mark them. A failed send rolls the transaction back, so the rows are
 * retried, oldest first, and nothing behind them overtakes them; a crash between the acks and the
 * commit republishes the batch, which consumers absorb by deduplicating on `ce_id` (a redelivery
 * is always the same event id, never a new one). Selecting by `published_at IS NULL` rather than
 * "seq after the last one seen" is what keeps a row whose transaction committed late from being
 * skipped.
 */
export function createRelay(options: RelayOptions): Relay {
  const {
    db,
    logger = silentLogger,
    batchSize = 500,
    maxBatchBytes = 512 * 1024,
    partitionsPerBatch = 4,
    concurrency = 4,
    pollIntervalMs = 200,
    maxBackoffMs = 1000,
    listenUrl,
  } = options;
  const producer =
    "producer" in options ? options.producer : createEventProducer({ brokers: options.brokers });
  const ownsProducer = !("producer" in options);

  let running = false;
  let stopped = false;
  let loops: Promise<void>[] = [];
  const sleepers = new Set<() => void>();
  // A wake-up that found every loop busy: the next loop to go to sleep goes again at once instead,
  // since its batch may have read its snapshot just before the notified commit.
  let wakePending = false;
  let published = 0;
  const listener = listenUrl
    ? createOutboxListener({ url: listenUrl, logger, onWake: () => wakeOne() })
    : undefined;
  const stats: Readonly<RelayStats> = {
    get published() {
      return published;
    },
    get notifications() {
      return listener?.notifications ?? 0;
    },
    get listening() {
      return listener?.listening ?? false;
    },
  };

  async function drainOnce(): Promise<number> {
    return db.transaction(async (tx) => {
      const legacy = await tx.execute<{ ok: boolean }>(
        sql`select pg_try_advisory_xact_lock_shared(${LEGACY_RELAY_LOCK}) as ok`,
      );
      if (legacy.rows[0]?.ok !== true) return 0;

      // Partitions of the oldest unpublished rows: a bounded look, however long the backlog.
      const pending = await tx.execute<{ partition: number }>(sql`
        select distinct partition from (
          select ${PARTITION_OF_ROW} as partition from ${outbox}
          where ${outbox.publishedAt} is null and ${outbox.topic} = any(${sql.param(PUBLISHABLE_TOPICS)}::text[])
          order by ${outbox.seq} limit ${batchSize}
        ) oldest`);
      // Try-locks in random order (so relays spread over the partitions), as many as still wanted
      // per round trip: usually one round trip, more only when other relays hold some.
      const candidates = shuffled(pending.rows.map((row) => row.partition));
      const claimed: number[] = [];
      while (claimed.length < partitionsPerBatch && candidates.length > 0) {
        const attempt = candidates.splice(0, partitionsPerBatch - claimed.length);
        const locked = await tx.execute<{ partition: number }>(sql`
          select partition from unnest(${sql.param(attempt)}::int[]) as partition
          where pg_try_advisory_xact_lock(${PARTITION_LOCK_NAMESPACE}, partition)`);
        claimed.push(...locked.rows.map((row) => row.partition));
      }
      if (claimed.length === 0) return 0;

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
        .where(
          and(
            isNull(outbox.publishedAt),
            sql`${outbox.topic} = any(${sql.param(PUBLISHABLE_TOPICS)}::text[])`,
            sql`${PARTITION_OF_ROW} = any(${sql.param(claimed)}::int[])`,
          ),
        )
        .orderBy(asc(outbox.seq))
        .limit(batchSize);
      if (rows.length === 0) return 0;

      // A prefix in seq order, so whatever is left for the next batch is younger, per tenant, than
      // everything sent now.
      const messages: EventMessage[] = [];
      let bytes = 0;
      for (const row of rows) {
        const message = toEventMessage(row);
        bytes += message.value?.length ?? 0;
        if (messages.length > 0 && bytes > maxBatchBytes) break;
        messages.push(message);
      }
      await producer.send({ messages });

      const seqs = rows.slice(0, messages.length).map((row) => row.seq);
      await tx
        .update(outbox)
        .set({ publishedAt: sql`now()` })
        .where(sql`${outbox.seq} = any(${sql.param(seqs)}::bigint[])`);
      return seqs.length;
    });
  }

  /** Resolves after `ms` (never, when `ms` is Infinity), or as soon as `wakeAll()` is called. */
  function sleep(ms: number): Promise<void> {
    // A loop finishing its batch after stop() must not go to sleep with nobody left to wake it.
    if (!running) return Promise.resolve();
    if (wakePending) {
      wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      function done() {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      }
      sleepers.add(done);
    });
  }

  function wakeAll(): void {
    for (const wake of [...sleepers]) wake();
  }

  /** One new commit: one sleeping loop is enough to publish it (it wakes the rest if it finds more). */
  function wakeOne(): void {
    const [wake] = sleepers;
    if (wake) wake();
    else wakePending = true;
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

  /**
   * One batch loop. Loop 0 polls; the others sleep while there is nothing to do and are woken when
   * a batch found work, so an idle relay costs one poll per interval however high its concurrency.
   */
  async function run(index: number): Promise<void> {
    let failures = 0;
    let strandedCheckedAt = 0;
    while (running) {
      try {
        if (index === 0 && Date.now() - strandedCheckedAt >= STRANDED_CHECK_INTERVAL_MS) {
          strandedCheckedAt = Date.now();
          await reportStranded();
        }
        const count = await drainOnce();
        published += count;
        failures = 0;
        // Anything published means other partitions, or more rows, may be waiting: go again at
        // once (and wake the other loops), and wait only once a batch found nothing. Under a steady
        // stream the loops so stay busy side by side; the doorbell matters once they sleep.
        if (count > 0) wakeAll();
        else await sleep(index === 0 ? pollIntervalMs : Number.POSITIVE_INFINITY);
      } catch (error) {
        failures += 1;
        const retryInMs = backoffDelay(failures, { initialMs: pollIntervalMs, maxMs: maxBackoffMs });
        logger.error({ err: error, failures, retryInMs }, "outbox relay batch failed; rows stay unpublished");
        await sleep(index === 0 ? retryInMs : Number.POSITIVE_INFINITY);
      }
    }
  }

  return {
    stats,
    drainOnce,
    start() {
      // The producer may be closed by stop(), so a relay is not restartable: make a new one.
      if (stopped) throw new Error("outbox relay was stopped; create a new one");
      if (running) return;
      running = true;
      listener?.start();
      logger.info(
        { batchSize, pollIntervalMs, partitionsPerBatch, concurrency, listening: listener !== undefined },
        "outbox relay started",
      );
      loops = Array.from({ length: concurrency }, (_, index) => run(index));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      running = false;
      wakeAll();
      await Promise.all([...loops, listener?.close()]);
      loops = [];
      if (ownsProducer) await producer.close();
      logger.info({}, "outbox relay stopped");
    },
  };
}
