import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from "@trpc/server/adapters/fastify";
import Fastify, { type FastifyInstance } from "fastify";
import { sql } from "drizzle-orm";
import { httpErrorServerOptions, installHttpErrors, procedureGate } from "./http-errors.ts";
import {
  appRouter,
  buildOpenApiDocument,
  createContextFactory,
  retryHeadersFor,
  type ApiDeps,
  type AppRouter,
} from "@platforma/api";
import { installRequestLog, requestIdFor } from "./request-log.ts";

export interface ServerOptions {
  deps: ApiDeps;
  /**
   * Readiness probes besides Postgres's, by the name /readyz reports them under (e.g. `temporal`);
   * a probe that throws, or does not answer within a couple of seconds, reports its dependency down.
   */
  readinessChecks?: Record<string, () => Promise<void>>;
  logger?: boolean;
  /**
   * Fastify's `trustProxy`: which proxies' `X-Forwarded-For` names the client (the address failed
   * credentials are throttled by). Unset: the socket's peer is the client.
   */
  trustProxy?: boolean | string;
}

const TRPC_PREFIX = "/trpc";

/** A readiness answer must come back while the orchestrator still waits for it. */
const READINESS_TIMEOUT_MS = 2000;

async function probe(check: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("readiness check timed out")), READINESS_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The HTTP host: tRPC under /trpc, its OpenAPI document at /openapi.json, liveness at /healthz,
 * readiness (dependencies reachable) at /readyz.
 */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    routerOptions: { maxParamLength: 5000 },
    bodyLimit: 1024 * 1024,
    genReqId: (req) => requestIdFor(req.headers),
    ...(opts.trustProxy !== undefined ? { trustProxy: opts.trustProxy } : {}),
    ...httpErrorServerOptions(),
  });
  const requestLog = installRequestLog(app, { logger: opts.deps.logger, trpcPrefix: TRPC_PREFIX });
  // Subscriptions end when the server closes; otherwise their open streams would hold close() forever.
  const closing = new AbortController();
  app.addHook("preClose", async () => closing.abort());
  installHttpErrors(app, { trpcPrefix: TRPC_PREFIX, logger: opts.deps.logger, closing: closing.signal });
  const createContext = createContextFactory({ ...opts.deps, closing: closing.signal });
  await app.register(
    async (trpc) => {
      trpc.addHook("onRequest", procedureGate);
      await trpc.register(fastifyTRPCPlugin, {
        trpcOptions: {
          router: appRouter,
          createContext: ({ req }) => createContext(req, requestLog.traceOf(req)),
          onError: requestLog.onError,
          // `unavailable` and `rate_limited` answers say when to try again (`Retry-After`).
          responseMeta: ({ errors }) => ({ headers: retryHeadersFor(errors) }),
        } satisfies FastifyTRPCPluginOptions<AppRouter>["trpcOptions"],
      });
    },
    { prefix: TRPC_PREFIX },
  );
  // Built once: it is a function of the router alone (docs/openapi.json is the same document).
  const openApiDocument = buildOpenApiDocument(appRouter);
  app.get("/openapi.json", async () => openApiDocument);
  app.get("/healthz", async () => ({ ok: true }));
  const checks: Record<string, () => Promise<void>> = {
    postgres: async () => void (await opts.deps.db.execute(sql`select 1`)),
    ...opts.readinessChecks,
  };
  // Names the failing dependency and nothing else: the endpoint is unauthenticated, so the
  // error's text (addresses, SQL) goes to the log only.
  app.get("/readyz", async (_req, reply) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await probe(check);
          return [name, "up"] as const;
        } catch (err) {
          opts.deps.logger.warn({ err, check: name }, "readiness check failed");
          return [name, "down"] as const;
        }
      }),
    );
    const ok = results.every(([, state]) => state === "up");
    return reply.code(ok ? 200 : 503).send({ ok, checks: Object.fromEntries(results) });
  });
  return app;
}
