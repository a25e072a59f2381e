// A Temporal worker in its own process, so a test can kill it (SIGKILL) in the middle of a step.
// Configured by environment: the stack's task queue and object store, and provider latency.
import { NativeConnection, Runtime } from "@temporalio/worker";
import { createDb, createSystemDb } from "@platforma/db";
import { createSimulatedDriver } from "@platforma/providers";
import { createFilesystemDriver, createTenantObjectStore } from "@platforma/storage";
import { createWorker } from "@platforma/worker-app/run-worker";
import { testEnv } from "./env.ts";

const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
const app = createDb({ url: testEnv.databaseUrl, max: 4 });
const system = createSystemDb({ url: testEnv.systemDatabaseUrl, max: 2 });
const worker = await createWorker({
  connection: await NativeConnection.connect({ address: testEnv.temporalAddress }),
  namespace: "default",
  taskQueue: required("CHILD_TASK_QUEUE"),
  db: app.db,
  systemDb: system.db,
  provider: createSimulatedDriver({
    db: app.db,
    latencyMs: Number(process.env["CHILD_PROVIDER_LATENCY_MS"] ?? 0),
  }),
  store: createTenantObjectStore(createFilesystemDriver({ root: required("CHILD_STORE_DIR") })),
  defaultRetentionDays: 90,
});
const running = worker.run();
process.send?.("ready");
await running;
