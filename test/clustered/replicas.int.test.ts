import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client, Connection } from "@temporalio/client";
import { and, inArray, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlatformaClient, errorDataOf } from "@platforma/client";
import type { OrderId, TenantId } from "@platforma/contracts";
import {
  createDb,
  createSystemDb,
  outbox,
  runMigrations,
  type AppDb,
  type DbHandle,
  type SystemDb,
} from "@platforma/db";
import { exited, freePort } from "@platforma/events/testing";
import { seedInventory } from "@platforma/providers";
import { eventually } from "../eventually.ts";
import { testEnv } from "../env.ts";
import { expectPlatformInvariants } from "../invariants.ts";
import { createTestSigner, TEST_AUDIENCE, TEST_ISSUER, type TestSigner } from "../tokens.ts";
import { startPostgresPair, type PostgresPair } from "./postgres-servers.ts";
import { report } from "./report.ts";
import { startRoundRobinProxy, type RoundRobinProxy } from "./round-robin-proxy.ts";

/*
 * Two api, two worker and two relay processes (the real apps/*, each its own OS process) share one
 * database, one Temporal task queue and one broker; the api processes sit behind one address. They
 * serve one load together, and a suspension made through one of them is refused by both.
 */

const main = (app: string) => fileURLToPath(new URL(`../../apps/${app}/src/main.ts`, import.meta.url));
const TENANTS = 3;
const ORDERS_PER_TENANT = 4;
// DESIGN §4: a state change reaches every API process within a second; this is the mechanism's TTL.
const TENANT_STATE_CACHE_MS = 500;

interface AppProcess {
  name: string;
  child: ChildProcess;
  output: string[];
}

describe("two replicas of every process behind one address", () => {
  let pair: PostgresPair;
  let dir: string;
  let proxy: RoundRobinProxy;
  let signer: TestSigner;
  let app: DbHandle<AppDb>;
  let system: DbHandle<SystemDb>;
  let connection: Connection;
  let temporal: Client;
  const processes: AppProcess[] = [];
  const apiUrls: string[] = [];
  const workerPids: number[] = [];
  const taskQueue = `test-${globalThis.crypto.randomUUID()}`;
  const tenantIds: TenantId[] = [];

  function start(name: string, script: string, env: Record<string, string>): AppProcess {
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    // The last lines, for the failure message of a process that cannot start.
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 50) output.shift();
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    // Also when this test process dies without its afterAll.
    process.once("exit", () => child.kill("SIGKILL"));
    const started = { name, child, output };
    processes.push(started);
    return started;
  }

  async function until(proc: AppProcess, url: string): Promise<void> {
    await eventually(
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited:\n${proc.output.join("")}`);
        const res = await fetch(url);
        expect(res.status, `${proc.name} ${url}`).toBe(200);
      },
      { timeoutMs: 180_000, intervalMs: 250 },
    ).catch((err: unknown) => {
      throw new Error(`${proc.name} not ready:\n${proc.output.join("")}`, { cause: err });
    });
  }

  beforeAll(async () => {
    [pair, dir, signer] = await Promise.all([
      startPostgresPair(),
      mkdtemp(join(tmpdir(), "platforma-replicas-")),
      createTestSigner(),
    ]);
    // Every process is given both database hosts, as in production; the migrations too.
    await runMigrations(pair.url("owner"));
    app = createDb({ url: pair.url("app"), max: 4 });
    system = createSystemDb({ url: pair.url("system"), max: 4 });
    await seedInventory(system.db);
    connection = await Connection.connect({ address: testEnv.temporalAddress });
    temporal = new Client({ connection });
    const jwksFile = join(dir, "jwks.json");
    await writeFile(jwksFile, JSON.stringify(signer.jwks));
    const database = { DATABASE_URL: pair.url("app"), DATABASE_SYSTEM_URL: pair.url("system") };

    const apis = await Promise.all(
      [1, 2].map(async (n) => {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        apiUrls.push(url);
        const proc = start(`api-${n}`, main("api"), {
          ...database,
          HOST: "127.0.0.1",
          PORT: String(port),
          TEMPORAL_ADDRESS: testEnv.temporalAddress,
          TEMPORAL_TASK_QUEUE: taskQueue,
          AUTH_ISSUER: TEST_ISSUER,
          AUTH_AUDIENCE: TEST_AUDIENCE,
          AUTH_JWKS_FILE: jwksFile,
          TENANT_STATE_CACHE_MS: String(TENANT_STATE_CACHE_MS),
        });
        return { proc, url };
      }),
    );
    const workers = await Promise.all(
      [1, 2].map(async (n) => {
        const healthPort = await freePort();
        const proc = start(`worker-${n}`, main("worker"), {
          ...database,
          TEMPORAL_ADDRESS: testEnv.temporalAddress,
          TEMPORAL_TASK_QUEUE: taskQueue,
          QUOTA_RECONCILE_INTERVAL_SECONDS: "0",
          HEALTH_PORT: String(healthPort),
          STORAGE_DIR: join(dir, "objects"),
        });
        if (proc.child.pid) workerPids.push(proc.child.pid);
        return { proc, url: `http://127.0.0.1:${healthPort}/readyz` };
      }),
    );
    for (const n of [1, 2]) {
      start(`relay-${n}`, main("relay"), {
        DATABASE_SYSTEM_URL: database.DATABASE_SYSTEM_URL,
        KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
        RELAY_POLL_INTERVAL_MS: "100",
      });
    }
    await Promise.all([
      ...apis.map(({ proc, url }) => until(proc, `${url}/readyz`)),
      ...workers.map(({ proc, url }) => until(proc, url)),
    ]);
    proxy = await startRoundRobinProxy(apiUrls);
  }, 300_000);

  afterAll(async () => {
    try {
      if (system && tenantIds.length > 0)
        await expectPlatformInvariants({ db: app.db, systemDb: system.db, temporal }, tenantIds);
    } finally {
      for (const { child } of processes) child.kill("SIGKILL");
      await Promise.all(processes.map(({ child }) => exited(child)));
      await proxy?.close();
      await connection?.close();
      await Promise.all([app?.close(), system?.close()]);
      await pair?.destroy();
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it(
    "serve one load: both apis answer, both workers run the sagas, the relays publish every event",
    { timeout: 300_000 },
    async () => {
      const operator = createPlatformaClient({ url: proxy.url, token: await signer.operatorToken() });
      const tenants = await Promise.all(
        Array.from({ length: TENANTS }, async (_, i) => {
          const tenant = await operator.tenants.create.mutate({
            name: `replicas ${i} ${globalThis.crypto.randomUUID().slice(0, 8)}`,
            allowedRegions: ["eu-central-1"],
          });
          tenantIds.push(tenant.id);
          return {
            tenantId: tenant.id,
            client: createPlatformaClient({ url: proxy.url, token: await signer.tenantToken(tenant.id) }),
          };
        }),
      );
      const placed: OrderId[] = (
        await Promise.all(
          tenants.map(async ({ client }, t) => {
            const ids: OrderId[] = [];
            for (let n = 0; n < ORDERS_PER_TENANT; n++) {
              const { order } = await client.clusters.create.mutate({
                name: `rep-${t}-${n}`,
                region: "eu-central-1",
              });
              ids.push(order.id);
            }
            return ids;
          }),
        )
      ).flat();
      for (const { client } of tenants) {
        await eventually(
          async () => {
            const { items } = await client.orders.list.query({});
            expect(items.filter((o) => o.state !== "completed")).toEqual([]);
          },
          { timeoutMs: 180_000, intervalMs: 500 },
        );
      }

      // Both apis served requests through the one address.
      for (const url of apiUrls) expect(proxy.served.get(url), url).toBeGreaterThan(0);
      // Both workers ran tasks of these orders (a worker's identity is `<pid>@<host>`).
      const identities = new Set<string>();
      for (const orderId of placed) {
        const history = await temporal.workflow.getHandle(`order/${orderId}`).fetchHistory();
        for (const event of history.events ?? []) {
          const identity =
            event.workflowTaskStartedEventAttributes?.identity ??
            event.activityTaskStartedEventAttributes?.identity;
          if (identity) identities.add(identity.split("@")[0] ?? "");
        }
      }
      for (const pid of workerPids) expect([...identities], `worker ${pid}`).toContain(String(pid));
      // The relays, between them, publish every event of the tenants.
      await eventually(
        async () => {
          const unpublished = await system.db
            .select({ id: outbox.id })
            .from(outbox)
            .where(and(inArray(outbox.tenantId, tenantIds), isNull(outbox.publishedAt)));
          expect(unpublished).toEqual([]);
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      for (const { name, child } of processes) expect(child.exitCode, `${name} still runs`).toBeNull();

      report("Two replicas of api, worker and relay behind one address", {
        "orders placed and completed": placed.length,
        "requests per api replica": Object.fromEntries(
          [...proxy.served].map(([url, n], i) => [`api-${i + 1} (${url})`, n]),
        ),
        "worker processes that ran order tasks": workerPids.filter((pid) => identities.has(String(pid)))
          .length,
      });
    },
  );

  it(
    "refuses a suspended tenant on every api replica, polled directly, right after the suspension returns",
    { timeout: 120_000 },
    async () => {
      const tenantId = tenantIds[0];
      if (!tenantId) throw new Error("the load test made no tenant");
      const token = await signer.tenantToken(tenantId);
      const direct = apiUrls.map((url) => createPlatformaClient({ url, token }));
      // Each replica has the tenant's active state cached.
      for (const client of direct) await client.clusters.list.query({});

      const operator = createPlatformaClient({ url: proxy.url, token: await signer.operatorToken() });
      const suspended = await operator.tenants.suspend.mutate({ tenantId, reason: "replica check" });
      expect(suspended.state).toBe("suspended");
      const returnedAt = Date.now();
      const refusedAfter = await Promise.all(
        direct.map((client) =>
          eventually(
            async () => {
              const err = await client.clusters.list.query({}).then(
                () => null,
                (e: unknown) => e,
              );
              expect(errorDataOf(err)?.reason).toBe("tenant_suspended");
              return Date.now() - returnedAt;
            },
            // A liveness bound: the cache TTL (TENANT_STATE_CACHE_MS) is what keeps it under a second.
            { timeoutMs: 10_000, intervalMs: 25 },
          ),
        ),
      );
      report("Suspension seen by each api replica", {
        "tenant-state cache TTL (ms)": TENANT_STATE_CACHE_MS,
        "suspend returned to refusal, per replica (ms)": refusedAfter,
      });
    },
  );
});
