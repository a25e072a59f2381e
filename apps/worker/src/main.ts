import { createServer } from "node:http";
import { NativeConnection, Runtime, makeTelemetryFilterString } from "@temporalio/worker";
import { pino } from "pino";
import { Client, Connection } from "@temporalio/client";
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
});

if (env.HEALTH_PORT !== undefined) {
  createServer((_req, res) => {
    const running = worker.getState() === "RUNNING";
    res.writeHead(running ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: running, state: worker.getState() }));
  }).listen(env.HEALTH_PORT, "0.0.0.0");
}

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

// Worker.run resolves after shutdown() (SIGINT/SIGTERM by default) once in-flight tasks drain.
logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE }, "worker running");
await worker.run();
await connection.close();
await Promise.all([db.close(), system.close()]);
store.close();
logger.info("worker stopped");
