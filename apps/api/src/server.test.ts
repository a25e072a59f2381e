import { ServiceError } from "@temporalio/client";
import { DrizzleQueryError } from "drizzle-orm/errors";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import type { ApiDeps, Logger, Principal } from "@platforma/api";
import { newId, type TenantId } from "@platforma/contracts";
import type { AppDb, SystemDb } from "@platforma/db";
import type { TenantAccessInfo } from "@platforma/domain";
import { buildServer } from "./server.ts";

/*
 * The HTTP contract of a dependency failure, with the failures injected: no services needed.
 * The same paths against a real Postgres and Temporal behind a cut proxy are in
 * test/dependency-outage.int.test.ts.
 */

const silent: Logger = { info: () => {}, warn: () => {}, error: () => {}, child: () => silent };
const tenantId: TenantId = newId("tenant");
const tenant: TenantAccessInfo = {
  id: tenantId,
  state: "active",
  allowedRegions: [],
  dedicatedEntitled: false,
};
const principal: Principal = {
  userId: "usr_test",
  tenantId,
  roles: ["admin"],
  scopes: ["infrastructure:read", "quotas:read"],
  via: "jwt",
};

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
/** As drizzle throws it: the SQL and its parameters in the message, the driver's error as the cause. */
const failedQuery = (code: string, message: string) =>
  new DrizzleQueryError('select "state" from "tenants" where "id" = $1', [tenantId], pgError(code, message));
const grpcUnavailable = () =>
  new ServiceError("Failed to query", {
    cause: Object.assign(new Error("14 UNAVAILABLE: No connection established"), {
      code: 14,
      details: "No connection established",
      metadata: {},
    }),
  });
const rejecting = (err: unknown) => () => Promise.reject(err);

function depsWith(overrides: Partial<ApiDeps>): ApiDeps {
  const unused = () => Promise.reject(new Error("not used by this test"));
  return {
    db: { execute: unused, transaction: unused } as unknown as AppDb,
    systemDb: {} as SystemDb,
    workflows: { startOrderWorkflow: unused, cancelWorkflow: unused },
    lifecycle: { transition: unused, status: unused },
    verifier: { verify: async () => principal },
    tenantAccess: { get: async () => tenant, invalidate: () => {} },
    logger: silent,
    ...overrides,
  };
}

let server: FastifyInstance | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function call(deps: ApiDeps, path: string) {
  server = await buildServer({ deps });
  const res = await server.inject({
    method: "GET",
    url: `/trpc/${path}`,
    headers: { authorization: "Bearer t" },
  });
  const body = res.json<{ error: { message: string; data: Record<string, unknown> } }>();
  return {
    status: res.statusCode,
    retryAfter: res.headers["retry-after"],
    error: body.error,
    text: res.body,
  };
}

describe("a dependency failure answers 503 unavailable, with Retry-After", () => {
  it.each([
    [
      "a serialization failure (40001) in the tenant-state check",
      depsWith({
        tenantAccess: {
          get: rejecting(failedQuery("40001", "could not serialize access")),
          invalidate: () => {},
        },
      }),
    ],
    [
      "a deadlock (40P01) in the credential lookup",
      depsWith({ verifier: { verify: rejecting(failedQuery("40P01", "deadlock detected")) } }),
    ],
    [
      "a Postgres starting up (57P03) in the procedure's own query",
      depsWith({
        db: {
          transaction: rejecting(pgError("57P03", "the database system is starting up")),
        } as unknown as AppDb,
      }),
    ],
    [
      "too many connections (53300)",
      depsWith({
        tenantAccess: {
          get: rejecting(failedQuery("53300", "sorry, too many clients already")),
          invalidate: () => {},
        },
      }),
    ],
  ])("%s", async (_name, deps) => {
    const answer = await call(deps, "quotas.get");
    expect(answer.status).toBe(503);
    expect(answer.retryAfter).toBe("2");
    expect(answer.error.message).toBe("postgres is unavailable; retry shortly");
    expect(answer.error.data).toMatchObject({
      reason: "unavailable",
      httpStatus: 503,
      retryable: true,
      dependency: "postgres",
    });
    expect(answer.text).not.toMatch(/select|tenants|serialize|deadlock|starting up|clients|ten_/);
  });

  it("names Temporal when it is Temporal that is away", async () => {
    const answer = await call(depsWith({ verifier: { verify: rejecting(grpcUnavailable()) } }), "quotas.get");
    expect(answer).toMatchObject({ status: 503, retryAfter: "2" });
    expect(answer.error.data).toMatchObject({
      reason: "unavailable",
      dependency: "temporal",
      retryable: true,
    });
    expect(answer.text).not.toMatch(/14 UNAVAILABLE|No connection|Failed to query/);
  });

  it("leaves other failures internal: 500, no Retry-After, nothing said", async () => {
    const deps = depsWith({
      tenantAccess: {
        get: rejecting(failedQuery("42P01", 'relation "tenants" does not exist')),
        invalidate: () => {},
      },
    });
    const answer = await call(deps, "quotas.get");
    expect(answer.status).toBe(500);
    expect(answer.retryAfter).toBeUndefined();
    expect(answer.error.message).toBe("internal error");
    expect(answer.error.data).toMatchObject({ reason: "internal" });
    expect(answer.error.data).not.toHaveProperty("retryable");
  });
});

describe("/readyz", () => {
  async function readyz(deps: ApiDeps, readinessChecks?: Record<string, () => Promise<void>>) {
    server = await buildServer({ deps, ...(readinessChecks ? { readinessChecks } : {}) });
    const res = await server.inject({ method: "GET", url: "/readyz" });
    return { status: res.statusCode, body: res.json<unknown>(), text: res.body };
  }
  const up = async () => {};

  it("is ready when every dependency answers", async () => {
    const deps = depsWith({ db: { execute: async () => ({ rows: [] }) } as unknown as AppDb });
    expect(await readyz(deps, { temporal: up })).toMatchObject({
      status: 200,
      body: { ok: true, checks: { postgres: "up", temporal: "up" } },
    });
  });

  it("names the dependency that is down and says nothing about why", async () => {
    const deps = depsWith({
      db: {
        execute: rejecting(failedQuery("08006", "connection to 10.0.0.5:5432 failed")),
      } as unknown as AppDb,
    });
    const down = await readyz(deps, { temporal: up });
    expect(down).toMatchObject({
      status: 503,
      body: { ok: false, checks: { postgres: "down", temporal: "up" } },
    });
    expect(down.text).toBe(JSON.stringify({ ok: false, checks: { postgres: "down", temporal: "up" } }));

    const okDb = depsWith({ db: { execute: async () => ({ rows: [] }) } as unknown as AppDb });
    const temporalDown = await readyz(okDb, { temporal: rejecting(grpcUnavailable()) });
    expect(temporalDown.text).toBe(
      JSON.stringify({ ok: false, checks: { postgres: "up", temporal: "down" } }),
    );
  });

  it("reports a probe that does not answer as down, in about two seconds", async () => {
    const okDb = depsWith({ db: { execute: async () => ({ rows: [] }) } as unknown as AppDb });
    const started = Date.now();
    const hanging = await readyz(okDb, { temporal: () => new Promise<void>(() => {}) });
    expect(hanging).toMatchObject({ status: 503, body: { checks: { temporal: "down" } } });
    expect(Date.now() - started).toBeLessThan(3500);
  });
});
