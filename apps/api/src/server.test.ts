import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { ServiceError } from "@temporalio/client";
import { DrizzleQueryError } from "drizzle-orm/errors";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createFailureThrottle, type ApiDeps, type Logger, type Principal } from "@platforma/api";
import { DomainError, newId, type TenantId } from "@platforma/contracts";
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
  requestRate: { perSecond: null, burst: null },
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

  it("reports a probe that never answers as down instead of waiting for it", async () => {
    const okDb = depsWith({ db: { execute: async () => ({ rows: [] }) } as unknown as AppDb });
    const hanging = await readyz(okDb, { temporal: () => new Promise<void>(() => {}) });
    expect(hanging).toMatchObject({ status: 503, body: { checks: { temporal: "down" } } });
  });
});

describe("requests no procedure takes answer in the error envelope, with a reason, never 500", () => {
  interface Answer {
    status: number;
    allow: string | undefined;
    error: { message: string; code: number; data: { code: string; httpStatus: number; reason: string } };
  }
  async function send(opts: {
    method: string;
    url: string;
    headers?: Record<string, string>;
    payload?: string;
    deps?: ApiDeps;
  }): Promise<Answer> {
    server ??= await buildServer({ deps: opts.deps ?? depsWith({}) });
    const res = await server.inject({
      method: opts.method as "GET",
      url: opts.url,
      headers: opts.headers ?? {},
      ...(opts.payload !== undefined ? { payload: opts.payload } : {}),
    });
    const allow = res.headers["allow"];
    return {
      status: res.statusCode,
      allow: typeof allow === "string" ? allow : undefined,
      error: res.json<{ error: Answer["error"] }>().error,
    };
  }
  const json = { "content-type": "application/json", authorization: "Bearer t" };

  it.each([
    ["TRACE", "clusters.list", "GET, HEAD"],
    ["PUT", "clusters.create", "POST"],
    ["DELETE", "clusters.create", "POST"],
    ["PATCH", "clusters.create", "POST"],
    ["OPTIONS", "clusters.create", "POST"],
    ["QUERY", "clusters.list", "GET, HEAD"],
    ["POST", "clusters.list", "GET, HEAD"],
    ["GET", "clusters.create", "POST"],
    ["PUT", "events.subscribe", "GET, HEAD"],
  ])("%s on %s → 405 method_not_allowed, Allow: %s", async (method, path, allow) => {
    const answer = await send({ method, url: `/trpc/${path}`, headers: json, payload: "{}" });
    expect(answer).toMatchObject({ status: 405, allow });
    expect(answer.error).toMatchObject({
      code: -32005,
      data: { code: "METHOD_NOT_SUPPORTED", httpStatus: 405, reason: "method_not_allowed" },
    });
  });

  it("answers a CORS preflight 405: the API serves no browser origin", async () => {
    const answer = await send({
      method: "OPTIONS",
      url: "/trpc/clusters.list",
      headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
    });
    expect(answer).toMatchObject({
      status: 405,
      allow: "GET, HEAD",
      error: { data: { reason: "method_not_allowed" } },
    });
  });

  it("answers a method Fastify routes nowhere 405 on a procedure path, 404 elsewhere", async () => {
    expect(await send({ method: "PROPFIND", url: "/trpc/clusters.list" })).toMatchObject({
      status: 405,
      allow: "GET, HEAD",
    });
    expect(await send({ method: "POST", url: "/healthz" })).toMatchObject({
      status: 405,
      allow: "GET, HEAD",
    });
    expect(await send({ method: "PROPFIND", url: "/nowhere" })).toMatchObject({
      status: 404,
      error: { data: { reason: "not_found" } },
    });
  });

  it.each([
    ["text/plain", "{}"],
    ["application/x-www-form-urlencoded", "a=b"],
    [
      "multipart/form-data; boundary=x",
      "--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n",
    ],
    ["application/octet-stream", "{}"],
    ["application/xml", "<a/>"],
    ["not a media type", "{}"],
  ])("a %s body → 415 unsupported_media_type", async (contentType, payload) => {
    const answer = await send({
      method: "POST",
      url: "/trpc/clusters.create",
      headers: { "content-type": contentType, authorization: "Bearer t" },
      payload,
    });
    expect(answer.status).toBe(415);
    expect(answer.error.data).toMatchObject({
      code: "UNSUPPORTED_MEDIA_TYPE",
      httpStatus: 415,
      reason: "unsupported_media_type",
    });
  });

  it("a mutation without a content type, and a query with a non-JSON one, are 415 too", async () => {
    expect(await send({ method: "POST", url: "/trpc/clusters.create" })).toMatchObject({ status: 415 });
    const query = await send({
      method: "GET",
      url: "/trpc/clusters.list",
      headers: { "content-type": "multipart/form-data; boundary=x" },
    });
    expect(query).toMatchObject({ status: 415, error: { data: { reason: "unsupported_media_type" } } });
  });

  it("a body over the limit → 413 payload_too_large", async () => {
    const answer = await send({
      method: "POST",
      url: "/trpc/clusters.create",
      headers: json,
      payload: JSON.stringify({ name: "x".repeat(1024 * 1024) }),
    });
    expect(answer.status).toBe(413);
    expect(answer.error).toMatchObject({
      code: -32013,
      data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413, reason: "payload_too_large" },
    });
  });

  it("malformed JSON → 400 invalid_input, in a body or in a query's input", async () => {
    const withScope = depsWith({
      verifier: {
        verify: async () => ({
          ...principal,
          scopes: ["orders:write", "infrastructure:manage", "quotas:read"],
        }),
      },
    });
    const body = await send({
      method: "POST",
      url: "/trpc/clusters.create",
      headers: json,
      payload: "{not json",
      deps: withScope,
    });
    expect(body).toMatchObject({
      status: 400,
      error: { data: { httpStatus: 400, reason: "invalid_input" } },
    });
    const query = await send({ method: "GET", url: "/trpc/quotas.check?input=%7Bnot", headers: json });
    expect(query).toMatchObject({ status: 400, error: { data: { reason: "invalid_input" } } });
  });

  it.each(["/nope", "/trpc", "/trpc/clusters.nope", "/trpc/clusters/list", "/trpc/"])(
    "%s → 404 not_found",
    async (url) => {
      const answer = await send({ method: "GET", url });
      expect(answer).toMatchObject({ status: 404, error: { code: -32004, data: { reason: "not_found" } } });
    },
  );

  it("a procedure path past the router's limit → 414 uri_too_long, without echoing it", async () => {
    const answer = await send({ method: "GET", url: `/trpc/${"clusters.list,".repeat(400)}clusters.list` });
    expect(answer).toMatchObject({
      status: 414,
      error: { data: { httpStatus: 414, reason: "uri_too_long" } },
    });
    expect(answer.error.message).not.toContain("clusters.list");
  });

  it("a bad percent-encoding or Host header → 400 invalid_input", async () => {
    expect(await send({ method: "GET", url: "/trpc/%E0%A4%A" })).toMatchObject({
      status: 400,
      error: { data: { reason: "invalid_input" } },
    });
    expect(
      await send({ method: "GET", url: "/trpc/clusters.list", headers: { host: "[bad" } }),
    ).toMatchObject({
      status: 400,
      error: { data: { reason: "invalid_input" } },
    });
  });

  it("a HEAD the procedure does not take is 405 too, without a body", async () => {
    server = await buildServer({ deps: depsWith({}) });
    const res = await server.inject({ method: "HEAD", url: "/trpc/clusters.create" });
    expect(res.statusCode).toBe(405);
    expect(res.headers["allow"]).toBe("POST");
    expect(res.body).toBe("");
  });
});

describe("refusals Node's HTTP parser makes itself answer in the envelope too", () => {
  async function raw(request: string | Buffer): Promise<{ head: string; body: string }> {
    server = await buildServer({ deps: depsWith({}) });
    await server.listen({ host: "127.0.0.1", port: 0 });
    const { port } = server.server.address() as AddressInfo;
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port }, () => socket.end(request));
      let data = "";
      socket.on("data", (chunk: Buffer) => (data += chunk.toString("latin1")));
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });
    const [head = "", body = ""] = text.split("\r\n\r\n");
    return { head, body };
  }

  it("headers past Node's limit → 431 headers_too_large", async () => {
    const answer = await raw(
      `GET /trpc/clusters.list HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expect(answer.head).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { data: { httpStatus: 431, reason: "headers_too_large" } },
    });
  });

  it("a URL past the header limit → 431 headers_too_large", async () => {
    const answer = await raw(
      `GET /trpc/clusters.list?input=${"a".repeat(20_000)} HTTP/1.1\r\nhost: x\r\n\r\n`,
    );
    expect(answer.head).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { data: { reason: "headers_too_large" } } });
  });

  it.each([
    ["an unknown method token", "BREW /trpc/clusters.list HTTP/1.1\r\nhost: x\r\n\r\n"],
    ["a malformed request line", "GET\r\n\r\n"],
    ["an HTTP/1.1 request without Host", "GET /trpc/clusters.list HTTP/1.1\r\n\r\n"],
    ["a NUL in a header", "GET /trpc/clusters.list HTTP/1.1\r\nhost: x\r\nx-a: a\0b\r\n\r\n"],
    [
      "conflicting lengths",
      "POST /trpc/clusters.create HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n{}",
    ],
  ])("%s → 400 invalid_input", async (_name, request) => {
    const answer = await raw(request);
    expect(answer.head).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { data: { httpStatus: 400, reason: "invalid_input" } },
    });
  });
});

describe("shutting down", () => {
  it("answers requests that still arrive 503 unavailable with Retry-After, in the envelope", async () => {
    let release = () => {};
    const deps = depsWith({ db: { execute: async () => ({ rows: [] }) } as unknown as AppDb });
    server = await buildServer({
      deps,
      readinessChecks: { temporal: () => new Promise<void>((resolve) => (release = resolve)) },
    });
    await server.listen({ host: "127.0.0.1", port: 0 });
    const { port } = server.server.address() as AddressInfo;
    const socket = connect({ host: "127.0.0.1", port });
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
    const ended = new Promise((resolve) => socket.on("close", resolve));
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    // One request in flight holds the connection open while the server starts closing; the next
    // one on the same connection arrives after that.
    socket.write("GET /readyz HTTP/1.1\r\nhost: x\r\n\r\n");
    await pause(100);
    const closed = server.close();
    server = undefined;
    await pause(50);
    socket.write("GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n");
    await pause(50);
    release();
    await closed;
    await ended;

    const second = text.slice(text.indexOf("HTTP/1.1", 1));
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toMatch(/\r\nretry-after: 2\r\n/i);
    expect(JSON.parse(second.slice(second.indexOf("\r\n\r\n") + 4))).toMatchObject({
      error: { data: { httpStatus: 503, reason: "unavailable", retryable: true } },
    });
  });
});

describe("refused credentials are counted per client address", () => {
  const refusing = depsWith({
    verifier: { verify: rejecting(new DomainError("invalid_token", "invalid token")) },
    addressFailures: createFailureThrottle({ maxFailures: 2, windowSeconds: 60 }),
  });
  async function attempt(headers: Record<string, string>, remoteAddress = "198.51.100.1") {
    const res = await server?.inject({
      method: "GET",
      url: "/trpc/quotas.get",
      headers: { authorization: "Bearer t", ...headers },
      remoteAddress,
    });
    return {
      status: res?.statusCode,
      retryAfter: res?.headers["retry-after"],
      reason: res?.json<{ error: { data: { reason: string } } }>().error.data.reason,
    };
  }

  it("refuses an address past its limit 429 with Retry-After; other addresses are unaffected", async () => {
    server = await buildServer({ deps: refusing });
    expect(await attempt({})).toMatchObject({ status: 401, reason: "invalid_token" });
    expect(await attempt({})).toMatchObject({ status: 401 });
    expect(await attempt({})).toMatchObject({ status: 429, reason: "rate_limited", retryAfter: "60" });
    expect(await attempt({}, "198.51.100.2")).toMatchObject({ status: 401 });
    // Without trustProxy a forwarded-for header names nobody.
    expect(await attempt({ "x-forwarded-for": "203.0.113.9" })).toMatchObject({ status: 429 });
  });

  it("behind a trusted proxy, counts the client X-Forwarded-For names", async () => {
    server = await buildServer({
      deps: { ...refusing, addressFailures: createFailureThrottle({ maxFailures: 1, windowSeconds: 60 }) },
      trustProxy: "198.51.100.1",
    });
    expect(await attempt({ "x-forwarded-for": "203.0.113.9" })).toMatchObject({ status: 401 });
    expect(await attempt({ "x-forwarded-for": "203.0.113.9" })).toMatchObject({ status: 429 });
    expect(await attempt({ "x-forwarded-for": "203.0.113.10" })).toMatchObject({ status: 401 });
  });
});
