import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorDataOf } from "@platforma/client";
import { outbox } from "@platforma/db";
import { buildServer } from "@platforma/api-app/server";
import { testEnv } from "./env.ts";
import { eventually } from "./eventually.ts";
import { recordingStarter } from "./recording-starter.ts";
import { startStack, type TestStack } from "./stack.ts";
import { startTcpProxy, viaProxy, type TcpProxy } from "./tcp-proxy.ts";

/*
 * Postgres and Temporal going away, as the API sees it: its pools and its Temporal client reach
 * the shared services through TCP proxies this file cuts; the services themselves stay up.
 */

interface Answer {
  status: number;
  retryAfter: string | null;
  text: string;
  body: { error?: { message: string; data: Record<string, unknown> } };
}

/** One tRPC query over plain HTTP, so the status and headers are what a client really gets. */
async function query(baseUrl: string, path: string, token?: string): Promise<Answer> {
  const res = await fetch(`${baseUrl}/trpc/${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get("retry-after"), text, body: JSON.parse(text) };
}

/** Driver and network text that must never reach a caller. */
const LEAKS =
  /terminated|ECONN|timeout|select |Failed query|127\.0\.0\.1|:\d{4,5}\b|DEADLINE|\d+ UNAVAILABLE|grpc/i;

function expectUnavailable(answer: Answer, dependency: "postgres" | "temporal") {
  expect(answer.status, answer.text).toBe(503);
  expect(answer.body.error?.data).toMatchObject({
    reason: "unavailable",
    code: "SERVICE_UNAVAILABLE",
    httpStatus: 503,
    retryable: true,
    dependency,
  });
  const retryAfter = Number(answer.retryAfter);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(5);
  expect(answer.text).not.toMatch(LEAKS);
}

describe("Postgres unreachable", () => {
  let appProxy: TcpProxy;
  let systemProxy: TcpProxy;
  let stack: TestStack;
  let jwt: string;
  let apiKey: string;
  let operatorToken: string;

  beforeAll(async () => {
    const target = new URL(testEnv.databaseUrl).host;
    [appProxy, systemProxy] = await Promise.all([startTcpProxy(target), startTcpProxy(target)]);
    stack = await startStack({
      workflows: recordingStarter(),
      urls: {
        databaseUrl: viaProxy(testEnv.databaseUrl, appProxy),
        systemDatabaseUrl: viaProxy(testEnv.systemDatabaseUrl, systemProxy),
      },
    });
    const tenant = await stack.newTenant();
    jwt = tenant.token;
    apiKey = (await tenant.client.apiKeys.create.mutate({ name: "outage", scopes: ["infrastructure:read"] }))
      .plaintextKey;
    operatorToken = await stack.signer.operatorToken();
  });
  afterAll(async () => {
    appProxy?.restore();
    systemProxy?.restore();
    await stack?.close();
    await Promise.all([appProxy?.close(), systemProxy?.close()]);
  });

  it("answers 503 unavailable with Retry-After for JWT, API-key, operator and anonymous calls, then recovers by itself", async () => {
    // A wrong secret for a real key id: refusing it takes a database lookup too.
    const wrongSecret = apiKey.replace(/_[A-Za-z0-9_-]{43}$/, `_${"x".repeat(43)}`);
    const calls = {
      "tenant (JWT)": () => query(stack.url, "clusters.list", jwt),
      "tenant (API key)": () => query(stack.url, "clusters.list", apiKey),
      operator: () => query(stack.url, "tenants.list", operatorToken),
      "anonymous (wrong API key)": () => query(stack.url, "clusters.list", wrongSecret),
    };
    const healthy = {
      "tenant (JWT)": 200,
      "tenant (API key)": 200,
      operator: 200,
      "anonymous (wrong API key)": 401,
    };
    for (const [name, call] of Object.entries(calls)) {
      expect((await call()).status, name).toBe(healthy[name as keyof typeof healthy]);
    }

    appProxy.cut();
    systemProxy.cut();
    for (const [name, call] of Object.entries(calls)) {
      const answer = await call();
      expectUnavailable(answer, "postgres");
      expect(answer.body.error?.message, name).toBe("postgres is unavailable; retry shortly");
    }
    // The typed client sees the same contract.
    const err = await stack
      .clientFor(jwt)
      .quotas.get.query()
      .catch((e: unknown) => e);
    expect(errorDataOf(err)).toMatchObject({
      reason: "unavailable",
      dependency: "postgres",
      retryable: true,
    });

    appProxy.restore();
    systemProxy.restore();
    // Same server, same pools: the next calls simply work again.
    for (const [name, call] of Object.entries(calls)) {
      await eventually(
        async () => expect((await call()).status, name).toBe(healthy[name as keyof typeof healthy]),
        { timeoutMs: 10_000 },
      );
    }
  });

  it("answers unavailable when only the tenant-data pool is away (auth and tenant state still answer)", async () => {
    appProxy.cut();
    try {
      expectUnavailable(await query(stack.url, "clusters.list", jwt), "postgres");
      // Operator calls use the system pool: unaffected.
      expect((await query(stack.url, "tenants.list", operatorToken)).status).toBe(200);
    } finally {
      appProxy.restore();
    }
    await eventually(async () => expect((await query(stack.url, "clusters.list", jwt)).status).toBe(200));
  });

  it("tells an event subscription unavailable while Postgres is away; the client reconnects and resumes", async () => {
    const { tenantId, client } = await stack.newTenant();
    // Resuming after the tenant's first event, so a reconnection misses nothing whenever it happens.
    const [created] = await stack.deps.systemDb
      .select({ id: outbox.id })
      .from(outbox)
      .where(eq(outbox.tenantId, tenantId))
      .orderBy(outbox.seq)
      .limit(1);
    const received: string[] = [];
    const states: { state: string; error: unknown }[] = [];
    const subscription = client.events.subscribe.subscribe(
      { lastEventId: created?.id },
      {
        onData: ({ data }) => received.push(data.type),
        onConnectionStateChange: (s) => states.push({ state: s.state, error: s.error }),
        onError: (err) => states.push({ state: "failed", error: err }),
      },
    );
    try {
      await eventually(async () => expect(states.at(-1)?.state).toBe("pending"));
      // Past the stream's first queries: it is polling.
      await new Promise((resolve) => setTimeout(resolve, 300));
      appProxy.cut();
      systemProxy.cut();
      // A retryable error: the client goes back to connecting rather than ending the subscription.
      const interrupted = await eventually(
        async () => {
          const s = states.find((s) => s.state === "connecting" && s.error);
          if (!s) throw new Error(`no interruption yet: ${JSON.stringify(states)}`);
          return s;
        },
        { timeoutMs: 10_000 },
      );
      expect(errorDataOf(interrupted.error)).toMatchObject({
        reason: "unavailable",
        dependency: "postgres",
        retryable: true,
        httpStatus: 503,
      });
      expect((interrupted.error as Error).message).toBe("postgres is unavailable; retry shortly");

      appProxy.restore();
      systemProxy.restore();
      await eventually(() =>
        stack.operator.tenants.updateQuotas.mutate({ tenantId, quotas: { max_clusters: 42 } }),
      );
      await eventually(async () => expect(received).toContain("quota.limits_updated.v1"), {
        timeoutMs: 20_000,
      });
      expect(states.some((s) => s.state === "failed")).toBe(false);
    } finally {
      subscription.unsubscribe();
      appProxy.restore();
      systemProxy.restore();
    }
  });

  it("says which dependency /readyz found down, and nothing else", async () => {
    const readyz = async () => {
      const res = await fetch(`${stack.url}/readyz`);
      return { status: res.status, text: await res.text() };
    };
    expect(await readyz()).toEqual({
      status: 200,
      text: JSON.stringify({ ok: true, checks: { postgres: "up" } }),
    });
    appProxy.cut();
    try {
      const down = await readyz();
      expect(down.status).toBe(503);
      expect(JSON.parse(down.text)).toEqual({ ok: false, checks: { postgres: "down" } });
    } finally {
      appProxy.restore();
    }
    await eventually(async () => expect((await readyz()).status).toBe(200));
  });
});

describe("Temporal unreachable", () => {
  let proxy: TcpProxy;
  let stack: TestStack;

  beforeAll(async () => {
    proxy = await startTcpProxy(testEnv.temporalAddress);
    // The API's client goes through the proxy; the in-process worker reaches Temporal directly.
    stack = await startStack({ worker: true, urls: { temporalAddress: proxy.address } });
  });
  afterAll(async () => {
    proxy?.restore();
    await stack?.close();
    await proxy?.close();
  });

  it("answers a lifecycle transition with 503 unavailable, and transitions once it is back", async () => {
    const { tenantId } = await stack.newTenant();
    proxy.cut();
    try {
      const err = await stack.operator.tenants.suspend
        .mutate({ tenantId, reason: "outage drill" })
        .catch((e: unknown) => e);
      expect(errorDataOf(err)).toMatchObject({
        reason: "unavailable",
        httpStatus: 503,
        retryable: true,
        dependency: "temporal",
      });
      expect((err as Error).message).toBe("temporal is unavailable; retry shortly");

      // Reading a tenant asks its workflow too.
      const got = await stack.operator.tenants.get.query({ tenantId }).catch((e: unknown) => e);
      expect(errorDataOf(got)).toMatchObject({ reason: "unavailable", dependency: "temporal" });
    } finally {
      proxy.restore();
    }
    const suspended = await eventually(
      () => stack.operator.tenants.suspend.mutate({ tenantId, reason: "outage drill" }),
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(suspended).toMatchObject({ state: "suspended", stateReason: "outage drill" });
  });

  it("says temporal is down on /readyz, without the error", async () => {
    const temporal = stack.temporal;
    if (!temporal) throw new Error("the stack runs with Temporal");
    // The probe apps/api wires, over the stack's (proxied) connection.
    const server = await buildServer({
      deps: stack.deps,
      readinessChecks: {
        temporal: () =>
          temporal.withDeadline(
            Date.now() + 2000,
            async () => void (await temporal.workflowService.getSystemInfo({})),
          ),
      },
    });
    try {
      const readyz = async () => {
        const res = await server.inject({ method: "GET", url: "/readyz" });
        return { status: res.statusCode, body: res.json<unknown>() };
      };
      await eventually(async () =>
        expect(await readyz()).toEqual({
          status: 200,
          body: { ok: true, checks: { postgres: "up", temporal: "up" } },
        }),
      );
      proxy.cut();
      try {
        const down = await readyz();
        expect(down).toEqual({
          status: 503,
          body: { ok: false, checks: { postgres: "up", temporal: "down" } },
        });
      } finally {
        proxy.restore();
      }
    } finally {
      await server.close();
    }
  });
});
