import { pino } from "pino";
import { installGracefulShutdown, objectStoreConfig, startHealthServer } from "@platforma/config";
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

let stopping = false;
const health =
  env.HEALTH_PORT === undefined
    ? undefined
    : startHealthServer({ port: env.HEALTH_PORT, ready: () => !stopping });

// The event being written is finished and its offset committed; one that overruns the deadline
// is left uncommitted and delivered again to the next consumer (a rewrite of the same object).
installGracefulShutdown({
  graceMs: env.SHUTDOWN_GRACE_MS,
  logger,
  drain: async () => {
    stopping = true;
    await audit.close();
  },
  cutOff: () => {},
  close: async () => {
    health?.close();
    store.close();
  },
});
