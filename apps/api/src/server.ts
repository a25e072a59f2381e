import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from "@trpc/server/adapters/fastify";
import Fastify, { type FastifyInstance } from "fastify";
import { sql } from "drizzle-orm";
import { appRouter, createContextFactory, type ApiDeps, type AppRouter } from "@platforma/api";

export interface ServerOptions {
  deps: ApiDeps;
  /** Extra readiness probes (Temporal connection, …); /readyz fails if any throws. */
  readinessChecks?: (() => Promise<void>)[];
  logger?: boolean;
}

/** The HTTP host: tRPC under /trpc, liveness at /healthz, readiness (dependencies reachable) at /readyz. */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    routerOptions: { maxParamLength: 5000 },
    bodyLimit: 1024 * 1024,
    genReqId: () => globalThis.crypto.randomUUID(),
  });
  // Subscriptions end when the server closes; otherwise their open streams would hold close() forever.
  const closing = new AbortController();
  app.addHook("preClose", async () => closing.abort());
  const createContext = createContextFactory({ ...opts.deps, closing: closing.signal });
  await app.register(fastifyTRPCPlugin, {
    prefix: "/trpc",
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }) => createContext(req),
    } satisfies FastifyTRPCPluginOptions<AppRouter>["trpcOptions"],
  });
  app.get("/healthz", async () => ({ ok: true }));
  app.get("/readyz", async (_req, reply) => {
    try {
      await opts.deps.db.execute(sql`select 1`);
      for (const check of opts.readinessChecks ?? []) await check();
      return { ok: true };
    } catch (err) {
      return reply.code(503).send({ ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  });
  return app;
}
