import { readFile } from "node:fs/promises";
import { Client, Connection } from "@temporalio/client";
import { pino } from "pino";
import {
  createApiKeyVerifier,
  createCredentialVerifier,
  createFailureThrottle,
  createStreamSlots,
  createJwtVerifier,
} from "@platforma/api";
import { installGracefulShutdown } from "@platforma/config";
import { createDb, createSystemDb } from "@platforma/db";
import {
  createOrderBacklog,
  createOrderStarter,
  createRequestLimiter,
  createTenantAccessReader,
  createTenantLifecycleClient,
  createWorkflowStarter,
} from "@platforma/domain";
import { loadEnv } from "./env.ts";
import { buildServer } from "./server.ts";

const env = loadEnv();
const logger = pino({ level: env.LOG_LEVEL, base: { service: "api" } });

const app = createDb({
  url: env.DATABASE_URL,
  max: env.DATABASE_POOL_SIZE,
  applicationName: "platforma-api",
  connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
});
const system = createSystemDb({
  url: env.DATABASE_SYSTEM_URL,
  max: 5,
  applicationName: "platforma-api-system",
  connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
});
const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });

const keys = env.AUTH_JWKS_URL
  ? { jwksUrl: env.AUTH_JWKS_URL }
  : { jwks: JSON.parse(await readFile(env.AUTH_JWKS_FILE ?? "", "utf8")) as { keys: [] } };

const workflows = createWorkflowStarter(temporal, { taskQueue: env.TEMPORAL_TASK_QUEUE });
const failureWindow = { windowSeconds: env.AUTH_FAILURE_WINDOW_SECONDS };
const server = await buildServer({
  ...(env.TRUST_PROXY !== undefined ? { trustProxy: env.TRUST_PROXY } : {}),
  deps: {
    db: app.db,
    systemDb: system.db,
    workflows,
    lifecycle: createTenantLifecycleClient(temporal, {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      rpcTimeoutMs: env.TEMPORAL_RPC_TIMEOUT_MS,
      transitionTimeoutMs: env.TEMPORAL_TRANSITION_TIMEOUT_MS,
    }),
    verifier: createCredentialVerifier({
      jwt: createJwtVerifier({
        issuer: env.AUTH_ISSUER,
        audience: env.AUTH_AUDIENCE,
        keys,
        requireAccessTokenType: env.AUTH_REQUIRE_AT_JWT,
      }),
      apiKey: createApiKeyVerifier({
        db: system.db,
        logger,
        failures: createFailureThrottle({ maxFailures: env.AUTH_FAILURES_PER_API_KEY, ...failureWindow }),
      }),
    }),
    addressFailures: createFailureThrottle({ maxFailures: env.AUTH_FAILURES_PER_ADDRESS, ...failureWindow }),
    tenantAccess: createTenantAccessReader(system.db, { ttlMs: env.TENANT_STATE_CACHE_MS }),
    logger,
    eventPollIntervalMs: env.EVENTS_POLL_INTERVAL_MS,
    ...(env.MAX_ORDERS_IN_FLIGHT > 0 ? { maxOrdersInFlight: env.MAX_ORDERS_IN_FLIGHT } : {}),
    ...(env.ORDER_BACKLOG_BOUND > 0
      ? { backlog: createOrderBacklog(system.db, { bound: env.ORDER_BACKLOG_BOUND }) }
      : {}),
    streamSlots: createStreamSlots({
      perTenant: env.EVENTS_STREAMS_PER_TENANT,
      perCredential: env.EVENTS_STREAMS_PER_CREDENTIAL,
    }),
    ...(env.RATE_LIMIT_PER_SECOND > 0
      ? {
          requests: {
            limiter: createRequestLimiter(system.db),
            defaultRate: { perSecond: env.RATE_LIMIT_PER_SECOND, burst: env.RATE_LIMIT_BURST },
          },
        }
      : {}),
  },
  readinessChecks: {
    // A deadline, or the client's own retries would hold the probe ~20 s while Temporal is away.
    temporal: () =>
      connection.withDeadline(Date.now() + 2000, async () => void (await connection.healthService.check({}))),
  },
});

const address = await server.listen({ host: env.HOST, port: env.PORT });
logger.info({ address }, "api listening");

// A committed order always gets its workflow, whatever happened to the request that placed it.
const orderStarter = createOrderStarter(
  { systemDb: system.db, workflows },
  {
    intervalMs: env.ORDER_STARTER_INTERVAL_MS,
    onSweep: (r) => logger.info(r, "order starter started owed workflows"),
    onError: (err) => logger.warn({ err }, "order starter sweep failed"),
  },
);

// Stop taking requests (new ones on open connections answer 503 with Retry-After, and event
// streams end without tRPC's `return`, so clients reconnect elsewhere with their lastEventId), let
// the requests in flight finish within the grace, then drop the connections still open.
installGracefulShutdown({
  graceMs: env.SHUTDOWN_GRACE_MS,
  logger,
  drain: async () => {
    await Promise.all([server.close(), orderStarter.stop()]);
  },
  cutOff: () => server.server.closeAllConnections(),
  close: async () => {
    await connection.close();
    await Promise.all([app.close(), system.close()]);
  },
});
