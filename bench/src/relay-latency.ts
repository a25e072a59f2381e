import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import { TOPICS, newId, type TenantId } from "@platforma/contracts";
import { outbox, type SystemDb } from "@platforma/db";
import {
  appendEvent,
  createEventConsumer,
  createEventProducer,
  createRelay,
  type EventProducer,
} from "@platforma/events";
import { startGroupAtEnd } from "@platforma/events/testing";

export interface LatencyResult {
  committed: number;
  received: number;
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Commit to the broker's acks of the relay's send: where the relay's share of the time ends. */
  acked: { p50Ms: number; p99Ms: number };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN);

/**
 * Commit-to-consumer latency at a steady rate: one event per transaction (appendEvent, as the use
 * cases do), committed on a fixed schedule; the relay, woken by each commit's notification (and
 * polling as its safety net), publishes; a typed consumer in the
 * same process records when each event reaches its handler. Latency = handler time - commit time,
 * both from this process's monotonic clock.
 */
export async function measureLatency(opts: {
  db: SystemDb;
  brokers: string[];
  tenants: TenantId[];
  rate: number;
  durationSec: number;
  pollMs: number;
  /** The relay's LISTEN connection, as apps/relay runs it. */
  listenUrl: string;
}): Promise<LatencyResult> {
  const { db, brokers, tenants, rate, durationSec } = opts;
  await db.delete(outbox);
  const committedAt = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  const groupId = `bench-latency-${globalThis.crypto.randomUUID()}`;
  await startGroupAtEnd(brokers, groupId, [TOPICS.orders]);
  const consumer = createEventConsumer({
    brokers,
    groupId,
    topics: [TOPICS.orders],
    handler: (event) => {
      receivedAt.set(event.id, performance.now());
    },
  });
  const ackedAt = new Map<string, number>();
  const producer = createEventProducer({ brokers, clientId: "bench-latency-relay" });
  // The relay's own producer, noting when each message's acks came back.
  const timedProducer: Pick<EventProducer, "send" | "close"> = {
    send: async (request) => {
      const result = await producer.send(request);
      const now = performance.now();
      for (const message of request.messages) {
        const id = (message.headers as Record<string, string> | undefined)?.["ce_id"];
        if (id !== undefined) ackedAt.set(id, now);
      }
      return result;
    },
    close: () => producer.close(),
  };
  const relay = createRelay({
    db,
    producer: timedProducer,
    pollIntervalMs: opts.pollMs,
    listenUrl: opts.listenUrl,
  });
  relay.start();
  const listenDeadline = performance.now() + 10_000;
  while (!relay.stats.listening && performance.now() < listenDeadline) await delay(10);
  if (!relay.stats.listening) throw new Error("relay latency: the relay's LISTEN connection did not come up");
  try {
    const total = Math.round(rate * durationSec);
    const started = performance.now();
    const inFlight = new Set<Promise<void>>();
    for (let n = 0; n < total; n++) {
      const due = started + (n * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await delay(wait);
      const commit = db
        .transaction((tx) =>
          appendEvent(tx, tenants[n % tenants.length] as TenantId, "order.placed.v1", {
            orderId: newId("order"),
            workflowId: "order/bench",
            kind: "cluster",
            request: { n },
          }),
        )
        .then((event) => void committedAt.set(event.id, performance.now()));
      inFlight.add(commit);
      void commit.finally(() => inFlight.delete(commit));
    }
    await Promise.all(inFlight);
    const achievedRate = total / ((performance.now() - started) / 1000);
    const deadline = performance.now() + 30_000;
    while (receivedAt.size < committedAt.size && performance.now() < deadline) await delay(50);
    const latencies = [...committedAt]
      .map(([id, at]) => (receivedAt.get(id) ?? Number.NaN) - at)
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
    const acked = [...committedAt]
      .map(([id, at]) => (ackedAt.get(id) ?? Number.NaN) - at)
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
    return {
      acked: { p50Ms: percentile(acked, 50), p99Ms: percentile(acked, 99) },
      committed: committedAt.size,
      received: latencies.length,
      achievedRate,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? Number.NaN,
    };
  } finally {
    await relay.stop();
    await Promise.all([producer.close(), consumer.close()]);
  }
}
