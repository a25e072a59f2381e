import { newId } from "@platforma/contracts";
import { ensureTopics } from "@platforma/events";
import { createIsolatedOutbox, startKafkaBroker } from "@platforma/events/testing";
import type { Benchmark } from "./benchmark.ts";
import { benchEnv } from "./bench-env.ts";
import type { RelayBenchOptions } from "./relay-bench-options.ts";
import { measureLatency } from "./relay-latency.ts";
import { measureThroughput } from "./relay-throughput.ts";
import type { BenchmarkResult } from "./summary.ts";

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

/**
 * Outbox relay vs. raw producer (DESIGN §13), and commit-to-consumer latency at a steady rate.
 * Runs against a Kafka broker it starts itself and an outbox table of its own, so neither the
 * shared broker nor the relays of a running stack take part.
 */
export async function runRelayBench(
  options: RelayBenchOptions,
  environment: string,
  progress: (message: string) => void,
): Promise<BenchmarkResult> {
  progress("relay: starting a dedicated Kafka broker and outbox");
  const [broker, isolated] = await Promise.all([
    startKafkaBroker(),
    createIsolatedOutbox({
      ownerUrl: benchEnv.ownerDatabaseUrl,
      systemUrl: benchEnv.systemDatabaseUrl,
      max: 16,
    }),
  ]);
  try {
    await ensureTopics(broker.brokers);
    const db = isolated.system.db;
    const tenants = Array.from({ length: options.tenants }, () => newId("tenant"));
    progress("relay: warm-up");
    await measureThroughput({
      db,
      brokers: broker.brokers,
      events: Math.min(2000, options.events),
      tenants,
      batch: options.batch,
    });
    progress(
      `relay: throughput, ${options.events} events through the relay, then raw, in ${options.rounds} alternating rounds`,
    );
    let relayMs = 0;
    let rawMs = 0;
    const perRound = Math.ceil(options.events / options.rounds);
    for (let round = 0; round < options.rounds; round++) {
      const r = await measureThroughput({
        db,
        brokers: broker.brokers,
        events: perRound,
        tenants,
        batch: options.batch,
      });
      relayMs += (r.events / r.relayPerSec) * 1000;
      rawMs += (r.events / r.rawPerSec) * 1000;
    }
    const events = perRound * options.rounds;
    const throughput = { events, relayPerSec: events / (relayMs / 1000), rawPerSec: events / (rawMs / 1000) };
    progress(`relay: latency, ${options.rate} commits/s for ${options.durationSec} s`);
    const latency = await measureLatency({
      db,
      brokers: broker.brokers,
      tenants,
      rate: options.rate,
      durationSec: options.durationSec,
      pollMs: options.pollMs,
      listenUrl: isolated.systemUrl,
    });
    const report = [
      `outbox relay vs. raw producer: ${throughput.events} events, ${options.tenants} tenants, batch ${options.batch}, ` +
        `idempotent producer, acks=all; ${environment}, and a Kafka broker`,
      "",
      `relay  ${fixed(throughput.relayPerSec)} events/s   (select oldest unpublished, send, wait for acks, mark published)`,
      `raw    ${fixed(throughput.rawPerSec)} events/s   (the same messages, producer.send in batches of the same size)`,
      `relay/raw throughput ${fixed(throughput.relayPerSec / throughput.rawPerSec, 3)}x`,
      "",
      `commit-to-consumer latency at ${fixed(latency.achievedRate)} commits/s (asked ${options.rate}) for ${options.durationSec} s, ` +
        `relay woken by LISTEN/NOTIFY, poll interval ${options.pollMs} ms: ${latency.received}/${latency.committed} received`,
      `p50 ${fixed(latency.p50Ms)} ms   p99 ${fixed(latency.p99Ms)} ms   max ${fixed(latency.maxMs)} ms`,
      `of which commit to the relay's acks from the broker: p50 ${fixed(latency.acked.p50Ms)} ms   p99 ${fixed(latency.acked.p99Ms)} ms`,
      "",
    ].join("\n");
    if (latency.received !== latency.committed) {
      throw new Error(
        `relay: ${latency.committed - latency.received} committed events never reached the consumer:\n${report}`,
      );
    }
    return {
      report,
      summary: [
        {
          benchmark: "relay",
          metric: "throughput relay/raw",
          value: throughput.relayPerSec / throughput.rawPerSec,
          target: { min: 0.7 },
        },
        {
          benchmark: "relay",
          metric: `commit->consumer p99 ms at ${options.rate}/s`,
          value: latency.p99Ms,
          target: { max: 100 },
        },
      ],
    };
  } finally {
    await Promise.allSettled([broker.destroy(), isolated.drop()]);
  }
}

/** The relay benchmark in `pnpm bench` (`--only relay`), with its defaults; `pnpm bench:relay` takes its own options. */
export const relayBenchmark: Benchmark = {
  name: "relay",
  summary: "outbox relay vs. raw producer throughput; commit-to-consumer latency at 1,000 commits/s",
  run: (context) =>
    runRelayBench(
      {
        events: context.options.smoke ? 2000 : 20_000,
        tenants: 100,
        batch: 500,
        rate: 1000,
        durationSec: context.options.durationSec,
        pollMs: 200,
        rounds: context.options.rounds === 1 ? 1 : 4,
      },
      context.environment,
      context.progress,
    ),
};
