import { pino } from "pino";
import { objectStoreConfig } from "@platforma/config";
import { createObjectStore } from "@platforma/storage";
import { loadEnv } from "./env.ts";
import { runAudit } from "./run-audit.ts";

const env = loadEnv();
const logger = pino({ name: "audit", level: env.LOG_LEVEL });

const store = await createObjectStore(objectStoreConfig(env));
const audit = runAudit({
  brokers: env.KAFKA_BROKERS,
  groupId: env.AUDIT_GROUP_ID,
  store,
  logger,
});
logger.info({ group: env.AUDIT_GROUP_ID, storage: env.STORAGE_DRIVER }, "audit consumer started");

let shuttingDown = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, "shutting down");
  try {
    await audit.close();
    store.close();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, "shutdown failed");
    process.exit(1);
  }
}
process.once("SIGINT", (signal) => void shutdown(signal));
process.once("SIGTERM", (signal) => void shutdown(signal));
