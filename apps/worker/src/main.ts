import { NativeConnection, Runtime, makeTelemetryFilterString } from "@temporalio/worker";
import { pino } from "pino";
import { Client, Connection } from "@temporalio/client";
import { installGracefulShutdown, startHealthServer } from "@platforma/config";
import { createDb, createSystemDb } from "@platforma/db";
import { createSimulatedDriver } from "@platforma/providers";
import { createObjectStore } from "@platforma/storage";
import { loadEnv, objectStoreConfig } from "./env.ts";
import { createWorker } from "./run-worker.ts";
import { ensureQuotaReconcileSchedule } from "./schedules.ts";

const env = loadEnv();
const logger = pino({ level: env.LOG_LEVEL, base: { service: "worker" } });

// Route the SDK's own logs (worker lifecycle, workflow `log.*` calls) into the process logger.
const sdkLog = (level: string, message: string, meta?: Record<string, unknown>) =>
  logger[level.toLowerCase() as "trace" | "debug" | "info" | "warn" | "error"](meta ?? {}, message);
Runtime.install({
  logger: {
    log: sdkLog,
    trace: (m, meta) => sdkLog("trace", m, meta),
    debug: (m, meta) => sdkLog("debug", m, meta),
    info: (m, meta) => sdkLog("info", m, meta),
    warn: (m, meta) => sdkLog("warn", m, meta),
    error: (m, meta) => sdkLog("error", m, meta),
  },
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: "WARN" }) } },
  // The shutdown below owns the signals, so the drain has the same deadline as in every process.
  shutdownSignals: [],
});

const db = createDb({
  url: env.DATABASE_URL,
  max: env.DATABASE_POOL_SIZE,
  applicationName: "platforma-worker",
});
const system = createSystemDb({
  url: env.DATABASE_SYSTEM_URL,
  max: 2,
  applicationName: "platforma-worker-system",
});
const store = await createObjectStore(objectStoreConfig(env));
const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
const worker = await createWorker({
  connection,
  namespace: env.TEMPORAL_NAMESPACE,
  taskQueue: env.TEMPORAL_TASK_QUEUE,
  db: db.db,
  systemDb: system.db,
  provider: createSimulatedDriver({
    db: db.db,
    latencyMs: env.PROVIDER_LATENCY_MS,
    latency: env.PROVIDER_STEP_LATENCY_MS,
    failures: env.PROVIDER_FAILURES,
  }),
  store,
  defaultRetentionDays: env.TENANT_RETENTION_DAYS,
  shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
  ...(env.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: env.WORKFLOW_BUNDLE_PATH } } : {}),
});

const health =
  env.HEALTH_PORT === undefined
    ? undefined
    : startHealthServer({
        port: env.HEALTH_PORT,
        ready: () => worker.getState() === "RUNNING",
        details: () => ({ state: worker.getState() }),
      });

if (env.QUOTA_RECONCILE_INTERVAL_SECONDS > 0) {
  const clientConnection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  await ensureQuotaReconcileSchedule(
    new Client({ connection: clientConnection, namespace: env.TEMPORAL_NAMESPACE }),
    {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      intervalSeconds: env.QUOTA_RECONCILE_INTERVAL_SECONDS,
    },
  );
  await clientConnection.close();
}

logger.info(
  { taskQueue: env.TEMPORAL_TASK_QUEUE, bundle: env.WORKFLOW_BUNDLE_PATH ?? "built at start-up" },
  "worker running",
);
const running = worker.run();

// The SDK stops polling, gives running activities the grace (`shutdownGraceTime`), then cancels
// them and waits for their cancellation; `run()` resolves once nothing is in flight.
const shutdown = installGracefulShutdown({
  graceMs: env.SHUTDOWN_GRACE_MS,
  logger,
  drain: async () => {
    if (worker.getState() === "RUNNING") worker.shutdown();
    await running;
  },
  cutOff: () => {},
  close: async () => {
    health?.close();
    await connection.close();
    await Promise.all([db.close(), system.close()]);
    store.close();
  },
});
running.then(
  () => void shutdown("worker stopped"),
  (err: unknown) => {
    logger.fatal({ err }, "worker failed");
    process.exit(1);
  },
);
