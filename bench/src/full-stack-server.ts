import type { AddressInfo } from "node:net";
import type { JWK } from "jose";
import { pino } from "pino";
import { createJwtVerifier } from "@platforma/api";
import { buildServer } from "@platforma/api-app/server";
import { createDb, createSystemDb } from "@platforma/db";
import { createTenantAccessReader } from "@platforma/domain";
import { noLifecycle } from "./no-lifecycle.ts";
import { noWorkflowStarter } from "./no-workflow-starter.ts";
import { serveInChild } from "./serve-in-child.ts";

export interface FullStackServerConfig {
  databaseUrl: string;
  systemDatabaseUrl: string;
  poolSize: number;
  issuer: string;
  audience: string;
  jwks: { keys: JWK[] };
  tenantCacheMs: number;
}

/** The real API (Fastify + tRPC + jose + tenant state + RLS) composed as apps/api/src/main.ts does. */
serveInChild<FullStackServerConfig>(async (config) => {
  const app = createDb({
    url: config.databaseUrl,
    max: config.poolSize,
    applicationName: "platforma-bench-full",
  });
  // Tenant state reads only, mostly answered by the cache; the same size as the API's.
  const system = createSystemDb({
    url: config.systemDatabaseUrl,
    max: 5,
    applicationName: "platforma-bench-full",
  });
  const server = await buildServer({
    deps: {
      db: app.db,
      systemDb: system.db,
      workflows: noWorkflowStarter,
      lifecycle: noLifecycle,
      verifier: createJwtVerifier({
        issuer: config.issuer,
        audience: config.audience,
        keys: { jwks: config.jwks },
      }),
      tenantAccess: createTenantAccessReader(system.db, { ttlMs: config.tenantCacheMs }),
      // The API's own logger at its default level: per-request child loggers are part of the cost,
      // and a successful request writes no line, so nothing reaches the sink during the run.
      logger: pino({ level: "info", base: { service: "api" } }, pino.destination("/dev/null")),
    },
  });
  await server.listen({ host: "127.0.0.1", port: 0 });
  return {
    port: (server.server.address() as AddressInfo).port,
    async close() {
      await server.close();
      await Promise.all([app.close(), system.close()]);
    },
  };
});
