import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import type { ApiDeps, Logger, Principal } from "@platforma/api";
import { newId, type TenantId } from "@platforma/contracts";
import type { AppDb, SystemDb } from "@platforma/db";
import { buildServer } from "./server.ts";

/* Request ids and the access log over the real Fastify host, with the dependencies stubbed. */

const tenantId: TenantId = newId("tenant");
const principal: Principal = {
  userId: "usr_reader",
  tenantId,
  roles: ["viewer"],
  scopes: ["quotas:read"],
  via: "jwt",
};

function capturing(): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const write = (level: string) => (obj: object, msg?: string) =>
      void lines.push({ level, ...bindings, ...obj, msg });
    return {
      info: write("info"),
      warn: write("warn"),
      error: write("error"),
      child: (b) => make({ ...bindings, ...b }),
    };
  };
  return Object.assign(make({}), { lines });
}

let server: FastifyInstance | undefined;
let logger: ReturnType<typeof capturing>;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<FastifyInstance> {
  logger = capturing();
  const unused = () => Promise.reject(new Error("not used by this test"));
  const deps: ApiDeps = {
    db: { execute: unused, transaction: unused } as unknown as AppDb,
    systemDb: {} as SystemDb,
    workflows: { startOrderWorkflow: unused, cancelWorkflow: unused },
    lifecycle: { transition: unused, status: unused },
    verifier: { verify: async () => principal },
    tenantAccess: {
      get: async () => ({
        id: tenantId,
        state: "active",
        allowedRegions: [],
        dedicatedEntitled: false,
        requestRate: { perSecond: null, burst: null },
      }),
      invalidate: () => {},
    },
    logger,
  };
  server = await buildServer({ deps });
  return server;
}

const accessLines = () => logger.lines.filter((l) => l["msg"] === "request");
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("request ids", () => {
  it("keeps the caller's x-request-id: on the response header, in error.data and in the log", async () => {
    const app = await start();
    const res = await app.inject({
      method: "GET",
      url: "/trpc/orders.list",
      headers: { authorization: "Bearer t", "x-request-id": "req-abc_123.XYZ" },
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers["x-request-id"]).toBe("req-abc_123.XYZ");
    expect(res.json<{ error: { data: unknown } }>().error.data).toMatchObject({
      reason: "missing_scope",
      requestId: "req-abc_123.XYZ",
    });
    expect(accessLines()).toEqual([expect.objectContaining({ request_id: "req-abc_123.XYZ" })]);
  });

  it("makes one when the caller sends none, and answers with it on success too", async () => {
    const app = await start();
    const res = await app.inject({ method: "GET", url: "/trpc/health" });
    expect(res.statusCode).toBe(200);
    const id = res.headers["x-request-id"];
    expect(id).toMatch(uuid);
    expect(accessLines()).toEqual([expect.objectContaining({ request_id: id, status: 200 })]);
  });

  it.each([
    ["too long", "x".repeat(129)],
    ["with a space", "a b"],
    ["with a control character", "a\u0001b"],
    ["not ASCII", "café"],
    ["empty", ""],
  ])("replaces an id that is %s with a fresh one", async (_what, given) => {
    const app = await start();
    const res = await app.inject({
      method: "GET",
      url: "/trpc/orders.list",
      headers: { authorization: "Bearer t", "x-request-id": given },
    });
    const id = res.headers["x-request-id"];
    expect(id).toMatch(uuid);
    expect(res.json<{ error: { data: { requestId: string } } }>().error.data.requestId).toBe(id);
  });

  it("accepts an id of the longest allowed length", async () => {
    const app = await start();
    const given = "a".repeat(128);
    const res = await app.inject({ method: "GET", url: "/healthz", headers: { "x-request-id": given } });
    expect(res.headers["x-request-id"]).toBe(given);
  });

  it("is in error.data even when the request failed before it had a context", async () => {
    const app = await start();
    const res = await app.inject({
      method: "GET",
      // A batch mixing a query and a mutation is refused while the request is being read.
      url: "/trpc/health,tenants.create?batch=1",
      headers: { authorization: "Bearer t", "x-request-id": "broken-batch" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers["x-request-id"]).toBe("broken-batch");
    const body = res.json<{ error: { data: unknown } } | { error: { data: unknown } }[]>();
    const error = Array.isArray(body) ? body[0]?.error : body.error;
    expect(error?.data).toMatchObject({ reason: "invalid_input", requestId: "broken-batch" });
  });

  it("is on a subscription's event stream too", async () => {
    const app = await start();
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    const stop = new AbortController();
    const res = await fetch(`${address}/trpc/events.subscribe?input=${encodeURIComponent("{}")}`, {
      headers: { authorization: "Bearer t", accept: "text/event-stream", "x-request-id": "stream-1" },
      signal: stop.signal,
    });
    stop.abort();
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    expect(res.headers.get("x-request-id")).toBe("stream-1");
  });

  it("is on answers outside tRPC: probes and unknown routes", async () => {
    const app = await start();
    for (const url of ["/healthz", "/nowhere"]) {
      const res = await app.inject({ method: "GET", url, headers: { "x-request-id": `probe${url}` } });
      expect(res.headers["x-request-id"]).toBe(`probe${url}`);
    }
  });
});

describe("the access log", () => {
  it("writes one line per request: method, procedure, status, reason, duration, tenant, user, request id", async () => {
    const app = await start();
    await app.inject({
      method: "GET",
      url: "/trpc/orders.list",
      headers: { authorization: "Bearer t", "x-request-id": "r1" },
    });
    expect(accessLines()).toEqual([
      {
        level: "info",
        msg: "request",
        request_id: "r1",
        method: "GET",
        path: "orders.list",
        status: 403,
        reason: "missing_scope",
        duration_ms: expect.any(Number),
        tenant_id: tenantId,
        user_id: "usr_reader",
      },
    ]);
  });

  it("names every procedure of a batch in one line, and each reason once", async () => {
    const app = await start();
    const res = await app.inject({
      method: "GET",
      url: `/trpc/health,orders.list,orders.get?batch=1&input=${encodeURIComponent(
        JSON.stringify({ 2: { orderId: "ord_aaaaaaaaaaaaaaaaaaaa" } }),
      )}`,
      headers: { authorization: "Bearer t" },
    });
    expect(res.statusCode).toBe(207);
    expect(accessLines()).toEqual([
      expect.objectContaining({
        path: "health,orders.list,orders.get",
        status: 207,
        reason: "missing_scope",
        tenant_id: tenantId,
      }),
    ]);
  });

  it("logs requests that name no caller without tenant or user", async () => {
    const app = await start();
    await app.inject({ method: "GET", url: "/healthz" });
    const [line] = accessLines();
    expect(line).toMatchObject({ method: "GET", path: "/healthz", status: 200 });
    expect(line).not.toHaveProperty("tenant_id");
    expect(line).not.toHaveProperty("user_id");
    expect(line).not.toHaveProperty("reason");
  });
});
