import { setTimeout as delay } from "node:timers/promises";
import { Consumer, stringDeserializers, type Message, type MessagesStream } from "@platformatic/kafka";
import { TOPICS, type Topic } from "@platforma/contracts";
import { InvalidEventError } from "./invalid-event-error.ts";
import { silentLogger, type Logger } from "./logger.ts";
import { parseEventMessage, type ConsumedEvent } from "./parse-event-message.ts";
import { RecentIds } from "./recent-ids.ts";

type KafkaMessage = Message<string, string, string, string>;

export interface EventHandlerContext {
  /** Aborted when the consumer is closing: a long handler may stop early (its event is redelivered). */
  signal: AbortSignal;
  /** 1 on the first delivery to the handler, more when it is retried after a failure. */
  attempt: number;
}

export interface EventConsumerOptions {
  brokers: readonly string[];
  /** The consumer group: offsets are committed for it, and its members share the partitions. */
  groupId: string;
  clientId?: string;
  /** Default: every catalogued topic. */
  topics?: readonly Topic[];
  /** Where a group without committed offsets starts (default `earliest`: nothing retained is missed). */
  startFrom?: "earliest" | "latest";
  /** Called once per event id, in per-tenant order; the offset is committed only after it resolves. */
  handler: (event: ConsumedEvent, context: EventHandlerContext) => Promise<void> | void;
  /** Called for each message that is not a valid catalogued event; the message is then skipped and committed. */
  onInvalid?: (error: InvalidEventError) => Promise<void> | void;
  /** Failures that are retried (handler, stream, commit), for logging and metrics. */
  onError?: (error: unknown, event?: ConsumedEvent) => void;
  logger?: Logger;
  /** Event ids remembered per partition to drop redeliveries (default 10 000). */
  dedupeWindow?: number;
  /** Events handled concurrently, never two of one tenant at once (default 16). */
  maxInFlight?: number;
  /** First retry delay of a failed handler, doubled per attempt up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

export interface EventConsumerStats {
  handled: number;
  duplicates: number;
  invalid: number;
}

export interface EventConsumer {
  readonly stats: Readonly<EventConsumerStats>;
  /**
   * Stops taking messages, lets the handlers in flight finish (a handler being retried stops
   * retrying), commits what was handled, and leaves the group.
   */
  close(): Promise<void>;
}

/** Handled, skipped and invalid messages of one partition, committed only as a contiguous prefix. */
interface PartitionProgress {
  pending: KafkaMessage[];
  done: Set<bigint>;
}

/**
 * A typed consumer of the catalogue. Each message is validated (CloudEvents attributes, key =
 * tenant, catalogued type on its own topic, data against its zod schema); an invalid one goes to
 * `onInvalid` and is skipped without stopping the stream. Redeliveries (the relay's at-least-once
 * publishing, a rebalance, a restart before a commit) are dropped by event id. Events of one
 * tenant reach the handler one at a time in partition order, i.e. per-tenant order; different
 * tenants run concurrently. A failing handler is retried with backoff and holds back that tenant
 * (never skipped: that would break order), and offsets are committed only up to the last message
 * whose handler succeeded, so a crash redelivers instead of losing.
 */
export function createEventConsumer(options: EventConsumerOptions): EventConsumer {
  const {
    logger = silentLogger,
    dedupeWindow = 10_000,
    maxInFlight = 16,
    retryDelayMs = 200,
    maxRetryDelayMs = 30_000,
  } = options;
  const topics = [...(options.topics ?? Object.values(TOPICS))];
  const onError =
    options.onError ??
    ((error: unknown, event?: ConsumedEvent) =>
      logger.error(
        { err: error, event_id: event?.id, tenant_id: event?.tenantId },
        "event consumer failure",
      ));
  const onInvalid =
    options.onInvalid ??
    ((error: InvalidEventError) =>
      logger.warn({ err: error, reason: error.reason, event_id: error.eventId }, "invalid event skipped"));

  const stats: EventConsumerStats = { handled: 0, duplicates: 0, invalid: 0 };
  const closing = new AbortController();
  const recent = new Map<string, RecentIds>();
  // Per tenant, the promise of its last dispatched event: the next one runs after it.
  const tenantTails = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  const commits = new Set<Promise<void>>();
  let slotFreed: (() => void) | undefined;
  let stream: MessagesStream<string, string, string, string> | undefined;
  let consumer: Consumer<string, string, string, string> | undefined;

  function recentIdsOf(key: string): RecentIds {
    let ids = recent.get(key);
    if (!ids) {
      ids = new RecentIds(dedupeWindow);
      recent.set(key, ids);
    }
    return ids;
  }

  function commit(message: KafkaMessage): void {
    const pending = Promise.resolve(message.commit()).catch((error: unknown) => {
      // The message is redelivered after a restart or rebalance and dropped as a duplicate then.
      if (!closing.signal.aborted) onError(error);
    });
    commits.add(pending);
    void pending.finally(() => commits.delete(pending));
  }

  function markDone(progress: PartitionProgress, message: KafkaMessage): void {
    progress.done.add(message.offset);
    let last: KafkaMessage | undefined;
    for (let head = progress.pending[0]; head && progress.done.has(head.offset); head = progress.pending[0]) {
      progress.pending.shift();
      progress.done.delete(head.offset);
      last = head;
    }
    if (last) commit(last);
  }

  /** Runs `fn` until it succeeds; false when the consumer closed first. */
  async function untilSuccess(
    fn: (attempt: number) => Promise<void>,
    event?: ConsumedEvent,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      if (closing.signal.aborted) return false;
      try {
        await fn(attempt);
        return true;
      } catch (error) {
        if (closing.signal.aborted) return false;
        onError(error, event);
        const wait = Math.min(retryDelayMs * 2 ** (attempt - 1), maxRetryDelayMs);
        await delay(wait, undefined, { signal: closing.signal }).catch(() => undefined);
      }
    }
  }

  function track(work: Promise<void>): void {
    inFlight.add(work);
    void work.finally(() => {
      inFlight.delete(work);
      slotFreed?.();
    });
  }

  function dispatch(progresses: Map<string, PartitionProgress>, message: KafkaMessage): void {
    const partitionKey = `${message.topic}:${message.partition}`;
    let progress = progresses.get(partitionKey);
    if (!progress) {
      progress = { pending: [], done: new Set() };
      progresses.set(partitionKey, progress);
    }
    const partition = progress;
    partition.pending.push(message);

    let event: ConsumedEvent;
    try {
      event = parseEventMessage(message);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      stats.invalid += 1;
      track(
        untilSuccess(async () => onInvalid(error)).then((ok) => {
          if (ok) markDone(partition, message);
        }),
      );
      return;
    }
    if (!recentIdsOf(partitionKey).add(event.id)) {
      stats.duplicates += 1;
      markDone(partition, message);
      return;
    }

    const previous = tenantTails.get(event.tenantId) ?? Promise.resolve();
    const work = previous.then(async () => {
      const ok = await untilSuccess(
        async (attempt) => options.handler(event, { signal: closing.signal, attempt }),
        event,
      );
      if (!ok) return;
      stats.handled += 1;
      markDone(partition, message);
    });
    tenantTails.set(event.tenantId, work);
    void work.finally(() => {
      if (tenantTails.get(event.tenantId) === work) tenantTails.delete(event.tenantId);
    });
    track(work);
  }

  async function freeSlot(): Promise<void> {
    while (inFlight.size >= maxInFlight) {
      await new Promise<void>((resolve) => {
        slotFreed = resolve;
      });
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!closing.signal.aborted) {
      // Partition progress belongs to one stream: a new stream restarts from the committed offsets.
      const progresses = new Map<string, PartitionProgress>();
      try {
        consumer = new Consumer({
          groupId: options.groupId,
          clientId: options.clientId ?? options.groupId,
          bootstrapBrokers: [...options.brokers],
          deserializers: stringDeserializers,
          autocommit: false,
        });
        stream = await consumer.consume({
          topics,
          mode: "committed",
          fallbackMode: options.startFrom ?? "earliest",
          autocommit: false,
          maxWaitTime: 500,
        });
        for await (const message of stream) {
          failures = 0;
          if (closing.signal.aborted) break;
          dispatch(progresses, message);
          await freeSlot();
        }
      } catch (error) {
        if (closing.signal.aborted) break;
        failures += 1;
        onError(error);
        await delay(Math.min(retryDelayMs * 2 ** failures, maxRetryDelayMs), undefined, {
          signal: closing.signal,
        }).catch(() => undefined);
      } finally {
        if (!closing.signal.aborted) await closeKafka();
      }
    }
  }

  async function closeKafka(): Promise<void> {
    const [s, c] = [stream, consumer];
    stream = undefined;
    consumer = undefined;
    await s?.close().catch(() => undefined);
    await c?.close(true).catch(() => undefined);
  }

  const loop = run();
  let closed: Promise<void> | undefined;

  return {
    stats,
    close() {
      closed ??= (async () => {
        closing.abort();
        await Promise.allSettled([...inFlight]);
        await Promise.allSettled([...commits]);
        await closeKafka();
        await loop;
      })();
      return closed;
    },
  };
}
