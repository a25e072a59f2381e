import { availableParallelism } from "node:os";
import { newId } from "@platforma/contracts";
import { runMigrations } from "@platforma/db";
import { ensureTopics } from "@platforma/events";
import { createIsolatedOutbox, startKafkaBroker } from "@platforma/events/testing";
import { benchEnv } from "./bench-env.ts";
import { measureLatency } from "./relay-latency.ts";
import { measureThroughput } from "./relay-throughput.ts";
import { parseRelayBenchOptions, RELAY_BENCH_USAGE } from "./relay-bench-options.ts";

/**
 * Outbox relay vs. raw producer (DESIGN §13), and commit-to-consumer latency at a steady rate.
 * Runs against a Kafka broker it starts itself and an outbox table of its own, so neither the
 * shared broker nor the relays of a running stack take part. Prints numbers and a ratio; asserts
 * nothing about time. Run with `pnpm bench:relay`.
 */
const progress = (message: string) => process.stderr.write(`[bench:relay] ${message}\n`);

const options = parseRelayBenchOptions(process.argv.slice(2));
if (!options) {
  process.stdout.write(RELAY_BENCH_USAGE);
  process.exit(0);
}

progress("migrating, starting a dedicated Kafka broker");
await runMigrations(benchEnv.ownerDatabaseUrl);
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
  const tenants = Array.from({ length: options.tenants }, () => newId("tenant"));
  const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

  progress("warm-up");
  await measureThroughput({
    db: isolated.system.db,
    brokers: broker.brokers,
    events: 2000,
    tenants,
    batch: options.batch,
  });
  progress(`throughput: ${options.events} events through the relay, then raw`);
  const throughput = await measureThroughput({
    db: isolated.system.db,
    brokers: broker.brokers,
    events: options.events,
    tenants,
    batch: options.batch,
  });
  progress(`latency: ${options.rate} commits/s for ${options.durationSec} s`);
  const latency = await measureLatency({
    db: isolated.system.db,
    brokers: broker.brokers,
    tenants,
    rate: options.rate,
    durationSec: options.durationSec,
    pollMs: options.pollMs,
  });

  process.stdout.write(
    [
      `outbox relay vs. raw producer: ${throughput.events} events, ${options.tenants} tenants, batch ${options.batch}, ` +
        `idempotent producer, acks=all; Node ${process.version}, ${availableParallelism()} CPUs shared with Postgres and Kafka`,
      "",
      `relay  ${fixed(throughput.relayPerSec)} events/s   (select oldest unpublished, send, wait for acks, mark published)`,
      `raw    ${fixed(throughput.rawPerSec)} events/s   (the same messages, producer.send in batches of the same size)`,
      `relay/raw throughput ${fixed(throughput.relayPerSec / throughput.rawPerSec, 3)}x`,
      "",
      `commit-to-consumer latency at ${fixed(latency.achievedRate)} commits/s (asked ${options.rate}) for ${options.durationSec} s, ` +
        `relay poll interval ${options.pollMs} ms: ${latency.received}/${latency.committed} received`,
      `p50 ${fixed(latency.p50Ms)} ms   p99 ${fixed(latency.p99Ms)} ms   max ${fixed(latency.maxMs)} ms`,
      "",
    ].join("\n"),
  );
} finally {
  await Promise.allSettled([broker.destroy(), isolated.drop()]);
}
