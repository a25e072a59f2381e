import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from "@trpc/server/adapters/fastify";
import Fastify, { type FastifyInstance } from "fastify";
import { sql } from "drizzle-orm";
import {
  appRouter,
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

/** The HTTP host: tRPC under /trpc, liveness at /healthz, readiness (dependencies reachable) at /readyz. */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    routerOptions: { maxParamLength: 5000 },
    bodyLimit: 1024 * 1024,
    genReqId: (req) => requestIdFor(req.headers),
  });
  const requestLog = installRequestLog(app, { logger: opts.deps.logger, trpcPrefix: TRPC_PREFIX });
  // Subscriptions end when the server closes; otherwise their open streams would hold close() forever.
  const closing = new AbortController();
  app.addHook("preClose", async () => closing.abort());
  const createContext = createContextFactory({ ...opts.deps, closing: closing.signal });
  await app.register(fastifyTRPCPlugin, {
    prefix: TRPC_PREFIX,
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }) => createContext(req, requestLog.traceOf(req)),
      onError: requestLog.onError,
      // A dependency outage answers 503 `unavailable`; this tells the client when to try again.
      responseMeta: ({ errors }) => ({ headers: retryHeadersFor(errors) }),
    } satisfies FastifyTRPCPluginOptions<AppRouter>["trpcOptions"],
  });
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
