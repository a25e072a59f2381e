import { pino } from "pino";
import { createSystemDb } from "@platforma/db";
import { createRelay, ensureTopics } from "@platforma/events";
import { loadEnv } from "./env.ts";

const env = loadEnv();
const logger = pino({ name: "relay", level: env.LOG_LEVEL });

const system = createSystemDb({ url: env.DATABASE_SYSTEM_URL, max: 2, applicationName: "platforma-relay" });
const created = await ensureTopics(env.KAFKA_BROKERS);
if (created.length > 0) logger.info({ topics: created }, "created topics");

const relay = createRelay({
  db: system.db,
  brokers: env.KAFKA_BROKERS,
  logger,
  batchSize: env.RELAY_BATCH_SIZE,
  pollIntervalMs: env.RELAY_POLL_INTERVAL_MS,
});
relay.start();

let shuttingDown = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, "shutting down");
  try {
    await relay.stop();
    await system.close();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, "shutdown failed");
    process.exit(1);
  }
}
process.once("SIGINT", (signal) => void shutdown(signal));
process.once("SIGTERM", (signal) => void shutdown(signal));
