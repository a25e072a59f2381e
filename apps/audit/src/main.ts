import { pino } from "pino";
import { loadEnv } from "./env.ts";
import { createFilesystemWriter } from "./filesystem-writer.ts";
import { runAudit } from "./run-audit.ts";

const env = loadEnv();
const logger = pino({ name: "audit", level: env.LOG_LEVEL });

const audit = runAudit({
  brokers: env.KAFKA_BROKERS,
  groupId: env.AUDIT_GROUP_ID,
  writer: createFilesystemWriter(env.AUDIT_DIR),
  logger,
});
logger.info({ group: env.AUDIT_GROUP_ID, dir: env.AUDIT_DIR }, "audit consumer started");

let shuttingDown = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, "shutting down");
  try {
    await audit.close();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, "shutdown failed");
    process.exit(1);
  }
}
process.once("SIGINT", (signal) => void shutdown(signal));
process.once("SIGTERM", (signal) => void shutdown(signal));
