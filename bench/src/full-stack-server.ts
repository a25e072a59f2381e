import type { AddressInfo } from "node:net";
import type { JWK } from "jose";
import { pino } from "pino";
import { Client, Connection } from "@temporalio/client";
import { createJwtVerifier, type TokenVerifier } from "@platforma/api";
import { TENANT_ADMIN_SCOPES, type TenantId } from "@platforma/contracts";
import { buildServer } from "@platforma/api-app/server";
import { createDb, createSystemDb } from "@platforma/db";
import { createTenantAccessReader, createWorkflowStarter } from "@platforma/domain";
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
  /**
   * Who the caller is: `jwt` verifies the bearer token with jose, as the API does (`jwtCache`:
   * with its verified-token cache, the default); `stub` skips verification and answers every
   * request with one tenant admin of `stubTenantId`, the baseline of the identity benchmark.
   */
  identity?: { kind: "jwt"; jwtCache: boolean } | { kind: "stub"; stubTenantId: string };
  /** Start order workflows on this Temporal task queue (nothing polls it); default: start nothing. */
  temporal?: { address: string; namespace: string; taskQueue: string };
}

/** Any bearer token is the bench signer's tenant admin: what the API does minus verifying who it is. */
function stubVerifier(tenantId: string): TokenVerifier {
  const principal = {
    userId: "usr_bench",
    tenantId: tenantId as TenantId,
    roles: ["admin"],
    scopes: [...TENANT_ADMIN_SCOPES],
    via: "jwt" as const,
  };
  return { verify: () => Promise.resolve(principal) };
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
  const identity = config.identity ?? { kind: "jwt", jwtCache: true };
  const verifier: TokenVerifier =
    identity.kind === "jwt"
      ? createJwtVerifier({
          issuer: config.issuer,
          audience: config.audience,
          keys: { jwks: config.jwks },
          ...(identity.jwtCache ? {} : { cache: false }),
        })
      : stubVerifier(identity.stubTenantId);
  const connection = config.temporal
    ? await Connection.connect({ address: config.temporal.address })
    : undefined;
  const workflows =
    connection && config.temporal
      ? createWorkflowStarter(new Client({ connection, namespace: config.temporal.namespace }), {
          taskQueue: config.temporal.taskQueue,
        })
      : noWorkflowStarter;
  const server = await buildServer({
    deps: {
      db: app.db,
      systemDb: system.db,
      workflows,
      lifecycle: noLifecycle,
      verifier,
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
      await Promise.all([app.close(), system.close(), connection?.close()]);
    },
  };
});
