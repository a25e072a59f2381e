import { setTimeout as delay } from "node:timers/promises";
import { pino } from "pino";
import { installGracefulShutdown, startHealthServer } from "@platforma/config";
import { createSystemDb } from "@platforma/db";
import { createRelay, ensureTopics, pruneOutbox } from "@platforma/events";
import { loadEnv } from "./env.ts";

const env = loadEnv();
const logger = pino({ name: "relay", level: env.LOG_LEVEL });

// One connection per batch in flight, and one for the stranded-rows check.
const system = createSystemDb({
  url: env.DATABASE_SYSTEM_URL,
  max: env.RELAY_CONCURRENCY + 1,
  applicationName: "platforma-relay",
});

// The broker may come up after the relay (compose, a restart): wait for it rather than exit, since
// events committed meanwhile simply wait in the outbox.
for (let attempt = 1; ; attempt++) {
  try {
    const created = await ensureTopics(env.KAFKA_BROKERS, {
      replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      minInsyncReplicas: env.KAFKA_MIN_INSYNC_REPLICAS,
    });
    if (created.length > 0) logger.info({ topics: created }, "created topics");
    break;
  } catch (error) {
    const retryInMs = Math.min(1000 * attempt, 15_000);
    logger.warn({ err: error, attempt, retryInMs }, "cannot reach the broker to ensure topics; retrying");
    await delay(retryInMs);
  }
}

const relay = createRelay({
  db: system.db,
  brokers: env.KAFKA_BROKERS,
  logger,
  batchSize: env.RELAY_BATCH_SIZE,
  maxBatchBytes: env.RELAY_MAX_BATCH_BYTES,
  partitionsPerBatch: env.RELAY_PARTITIONS_PER_BATCH,
  concurrency: env.RELAY_CONCURRENCY,
  pollIntervalMs: env.RELAY_POLL_INTERVAL_MS,
  // Woken on commit through LISTEN; the poll interval only bounds the delay while that is down.
  listenUrl: env.DATABASE_SYSTEM_URL,
});
relay.start();

// Published rows have done their job; keeping them bounded keeps the relay's scans and the table small.
const pruner =
  env.OUTBOX_RETENTION_HOURS > 0
    ? setInterval(() => {
        const publishedBefore = new Date(Date.now() - env.OUTBOX_RETENTION_HOURS * 3600 * 1000);
        pruneOutbox(system.db, { publishedBefore }).then(
          (deleted) => deleted > 0 && logger.info({ deleted }, "pruned published outbox rows"),
          (error: unknown) => logger.warn({ err: error }, "outbox pruning failed; will retry"),
        );
      }, env.OUTBOX_PRUNE_INTERVAL_SECONDS * 1000)
    : undefined;

let stopping = false;
const health =
  env.HEALTH_PORT === undefined
    ? undefined
    : startHealthServer({ port: env.HEALTH_PORT, ready: () => !stopping });

// The batch in flight is finished and marked; one that overruns the deadline is simply abandoned:
// its transaction rolls back with the process and its rows are published again (consumers dedupe).
installGracefulShutdown({
  graceMs: env.SHUTDOWN_GRACE_MS,
  logger,
  drain: async () => {
    stopping = true;
    clearInterval(pruner);
    await relay.stop();
  },
  cutOff: () => {},
  close: async () => {
    health?.close();
    await system.close();
  },
});
