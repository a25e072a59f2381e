import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, Connection } from "@temporalio/client";
import { NativeConnection, Runtime, type Worker } from "@temporalio/worker";
import {
  createApiKeyVerifier,
  createCredentialVerifier,
  createJwtVerifier,
  createStreamSlots,
  type ApiDeps,
  type Logger,
  type StreamLimits,
} from "@platforma/api";
import { createPlatformaClient, type PlatformaClient } from "@platforma/client";
import type { TenantId } from "@platforma/contracts";
import { createDb, createSystemDb, type AppDb, type DbHandle, type SystemDb } from "@platforma/db";
import {
  createOrderBacklog,
  createOrderStarter,
  createRequestLimiter,
  createTenantAccessReader,
  createTenantLifecycleClient,
  createWorkflowStarter,
  type RequestRate,
  type TenantLifecycleClient,
  type WorkflowStarter,
} from "@platforma/domain";
import { createRelay, ensureTopics, type Relay } from "@platforma/events";
import { createSimulatedDriver, type SimulatedDriverOptions } from "@platforma/providers";
import { createFilesystemDriver, createTenantObjectStore, type TenantObjectStore } from "@platforma/storage";
import { buildServer } from "@platforma/api-app/server";
import { createWorker } from "@platforma/worker-app/run-worker";
import { testEnv } from "./env.ts";
import { expectPlatformInvariants } from "./invariants.ts";
import { createTestSigner, TEST_AUDIENCE, TEST_ISSUER, type TestSigner } from "./tokens.ts";

const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

export interface StackOptions {
  /** Run a Temporal worker in this process on the stack's own task queue. */
  worker?: boolean;
  /** Replace the Temporal starter (for tests about admission only, never the only test of a path). */
  workflows?: WorkflowStarter;
  provider?: Omit<SimulatedDriverOptions, "db">;
  /** Run the outbox relay in this process, publishing to the test broker. */
  relay?: boolean;
  tenantStateCacheMs?: number;
  /**
   * The default request rate of a tenant (the API's RATE_LIMIT_*). Every request takes from the
   * tenant's bucket; the default is high enough that only a tenant given its own rate is limited.
   */
  requestRate?: RequestRate;
  /** Orders one tenant may have open at once (default: no cap). */
  maxOrdersInFlight?: number;
  /** Back-pressure: open orders across tenants past which orders are refused (default: none). */
  backlogBound?: number;
  /** Open event streams per tenant and per credential (default: the API's). */
  eventStreams?: StreamLimits;
  poolSize?: number;
  /** Where the API logs go (default: nowhere); see `capturingLogger`. */
  logger?: Logger;
  /** Platform default retention of deleted tenants, in days (the worker's TENANT_RETENTION_DAYS). */
  retentionDays?: number;
  /**
   * Addresses to use instead of the shared services' (e.g. a `startTcpProxy` an outage test cuts):
   * the database URLs for the stack's pools (API, and the in-process worker and relay if any), the
   * Temporal address for the API's client only (an in-process worker connects directly).
   */
  urls?: { databaseUrl?: string; systemDatabaseUrl?: string; temporalAddress?: string };
  /** Run the API's order starter (sweeps committed orders whose workflow start is owed). Default: with Temporal. */
  orderStarter?: boolean;
}

/** A second API process against the same database: its own tenant-state cache, nothing shared. */
export interface ApiReplica {
  url: string;
  clientFor(token: string): PlatformaClient;
  close(): Promise<void>;
}

export interface TestStack {
  url: string;
  signer: TestSigner;
  deps: ApiDeps;
  /** The stack's connection pools (API, in-process worker and relay), to see what they hold. */
  pools: { app: DbHandle<AppDb>["pool"]; system: DbHandle<SystemDb>["pool"] };
  taskQueue: string;
  temporal: Client | null;
  hasWorker: boolean;
  operator: PlatformaClient;
  /** The filesystem object store the stack's worker writes archives to. */
  store: TenantObjectStore;
  storeDir: string;
  clientFor(token: string): PlatformaClient;
  /** Another API server on the same database with its own tenant-state cache (TTL `ttlMs`). */
  replica(ttlMs: number): Promise<ApiReplica>;
  /** Stops the in-process worker (waits for its tasks to drain). */
  stopWorker(): Promise<void>;
  /** Starts an in-process worker on the stack's task queue (after `stopWorker`, or a killed one). */
  startWorker(provider?: Omit<SimulatedDriverOptions, "db">): Promise<void>;
  /**
   * The platform's invariants (`expectPlatformInvariants`) over the given tenants, by default every
   * tenant this stack made: every integration test ends with it.
   */
  expectInvariants(tenantIds?: readonly TenantId[], opts?: { timeoutMs?: number }): Promise<void>;
  /** A fresh active tenant and a client holding its admin token. */
  newTenant(opts?: {
    allowedRegions?: string[];
    quotas?: Partial<Record<string, number>>;
    dedicatedEntitled?: boolean;
  }): Promise<{ tenantId: TenantId; token: string; client: PlatformaClient }>;
  close(): Promise<void>;
}

/** A logger that keeps every line (bindings, object and message) as JSON text, for leak checks. */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const write = (level: string) => (obj: object, msg?: string) => {
      const err = (obj as { err?: unknown }).err;
      // Like pino's serializer: message, stack and the error's own fields.
      const errText = err instanceof Error ? { err: { ...err, message: err.message, stack: err.stack } } : {};
      lines.push(JSON.stringify({ level, ...bindings, ...obj, ...errText, msg }));
    };
    return {
      info: write("info"),
      warn: write("warn"),
      error: write("error"),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return Object.assign(make({}), { lines });
}

let runtimeInstalled = false;

/** The real API over HTTP on an ephemeral port, against the real services. */
export async function startStack(opts: StackOptions = {}): Promise<TestStack> {
  const taskQueue = `test-${globalThis.crypto.randomUUID()}`;
  const app = createDb({ url: opts.urls?.databaseUrl ?? testEnv.databaseUrl, max: opts.poolSize ?? 20 });
  const system = createSystemDb({ url: opts.urls?.systemDatabaseUrl ?? testEnv.systemDatabaseUrl, max: 5 });
  const signer = await createTestSigner();

  let connection: Connection | null = null;
  let temporal: Client | null = null;
  let workflows = opts.workflows;
  if (!workflows) {
    connection = await Connection.connect({ address: opts.urls?.temporalAddress ?? testEnv.temporalAddress });
    temporal = new Client({ connection });
    workflows = createWorkflowStarter(temporal, { taskQueue });
  }

  const storeDir = await mkdtemp(join(tmpdir(), "platforma-stack-objects-"));
  const store = createTenantObjectStore(createFilesystemDriver({ root: storeDir }));

  let worker: Worker | null = null;
  let workerRun: Promise<void> | null = null;
  let nativeConnection: NativeConnection | null = null;
  async function startWorker(provider = opts.provider): Promise<void> {
    if (worker) throw new Error("the stack's worker is already running");
    if (!runtimeInstalled) {
      Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
      runtimeInstalled = true;
    }
    nativeConnection ??= await NativeConnection.connect({ address: testEnv.temporalAddress });
    worker = await createWorker({
      connection: nativeConnection,
      namespace: "default",
      taskQueue,
      db: app.db,
      systemDb: system.db,
      provider: createSimulatedDriver({ db: app.db, ...provider }),
      store,
      defaultRetentionDays: opts.retentionDays ?? 90,
    });
    workerRun = worker.run();
  }
  async function stopWorker(): Promise<void> {
    if (!worker) return;
    worker.shutdown();
    await workerRun;
    worker = null;
    workerRun = null;
  }
  if (opts.worker) await startWorker();

  let relay: Relay | null = null;
  if (opts.relay) {
    await ensureTopics(testEnv.kafkaBrokers);
    relay = createRelay({ db: system.db, brokers: testEnv.kafkaBrokers, pollIntervalMs: 50, concurrency: 1 });
    relay.start();
  }

  const logger = opts.logger ?? silentLogger;
  const lifecycle: TenantLifecycleClient = temporal
    ? createTenantLifecycleClient(temporal, { taskQueue })
    : {
        transition: () => Promise.reject(new Error("this test stack runs without Temporal")),
        status: () => Promise.resolve(null),
      };
  const deps: ApiDeps = {
    db: app.db,
    systemDb: system.db,
    workflows,
    lifecycle,
    verifier: createCredentialVerifier({
      jwt: createJwtVerifier({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { jwks: signer.jwks } }),
      apiKey: createApiKeyVerifier({ db: system.db, logger }),
    }),
    tenantAccess: createTenantAccessReader(system.db, { ttlMs: opts.tenantStateCacheMs ?? 0 }),
    logger,
    eventPollIntervalMs: 50,
    ...(opts.eventStreams ? { streamSlots: createStreamSlots(opts.eventStreams) } : {}),
    ...(opts.maxOrdersInFlight !== undefined ? { maxOrdersInFlight: opts.maxOrdersInFlight } : {}),
    ...(opts.backlogBound !== undefined
      ? // Only this stack's tenants: other test files place orders in the same database meanwhile.
        {
          backlog: createOrderBacklog(system.db, {
            bound: opts.backlogBound,
            refreshMs: 0,
            tenants: () => ownTenants,
          }),
        }
      : {}),
    requests: {
      limiter: createRequestLimiter(system.db),
      defaultRate: opts.requestRate ?? { perSecond: 10_000, burst: 10_000 },
    },
  };
  const server = await buildServer({ deps });
  const orderStarter =
    (opts.orderStarter ?? temporal !== null)
      ? // Only this stack's tenants: another test file's orders belong to its own task queue.
        createOrderStarter({ systemDb: system.db, workflows }, { intervalMs: 200, tenants: () => ownTenants })
      : null;
  await server.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  const clientFor = (token: string) => createPlatformaClient({ url, token });
  const operator = clientFor(await signer.operatorToken());
  const replicas: ApiReplica[] = [];
  const ownTenants: TenantId[] = [];

  return {
    url,
    signer,
    deps,
    pools: { app: app.pool, system: system.pool },
    taskQueue,
    temporal,
    get hasWorker() {
      return worker !== null;
    },
    operator,
    store,
    storeDir,
    clientFor,
    async replica(ttlMs) {
      const replicaServer = await buildServer({
        deps: { ...deps, tenantAccess: createTenantAccessReader(system.db, { ttlMs }) },
      });
      await replicaServer.listen({ host: "127.0.0.1", port: 0 });
      const replicaUrl = `http://127.0.0.1:${(replicaServer.server.address() as AddressInfo).port}`;
      const replica: ApiReplica = {
        url: replicaUrl,
        clientFor: (token) => createPlatformaClient({ url: replicaUrl, token }),
        close: () => replicaServer.close(),
      };
      replicas.push(replica);
      return replica;
    },
    stopWorker,
    startWorker,
    expectInvariants: (tenantIds = ownTenants, invariantOpts) =>
      expectPlatformInvariants({ db: app.db, systemDb: system.db, temporal }, tenantIds, invariantOpts),
    async newTenant(t = {}) {
      const tenant = await operator.tenants.create.mutate({
        name: `test tenant ${globalThis.crypto.randomUUID().slice(0, 8)}`,
        allowedRegions: t.allowedRegions ?? ["eu-central-1", "us-east-1"],
        ...(t.quotas ? { quotas: t.quotas } : {}),
        ...(t.dedicatedEntitled ? { dedicatedEntitled: true } : {}),
      });
      ownTenants.push(tenant.id);
      const token = await signer.tenantToken(tenant.id);
      return { tenantId: tenant.id, token, client: clientFor(token) };
    },
    async close() {
      await server.close();
      await orderStarter?.stop();
      for (const r of replicas) await r.close();
      await relay?.stop();
      await stopWorker();
      await nativeConnection?.close();
      await connection?.close();
      await Promise.all([app.close(), system.close()]);
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
