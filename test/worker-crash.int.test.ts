import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allocations, outbox } from "@platforma/db";
import { eventually } from "./eventually.ts";
import { testEnv } from "./env.ts";
import { regionHoldings, seedTestRegion } from "./inventory-fixtures.ts";
import { startStack, type TestStack } from "./stack.ts";

const workerErrors: string[] = [];
const WORKER_MAIN = fileURLToPath(new URL("../apps/worker/src/main.ts", import.meta.url));

/** The real worker process (apps/worker), on the test's own task queue. */
function startWorkerProcess(taskQueue: string, env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: testEnv.databaseUrl,
      DATABASE_SYSTEM_URL: testEnv.systemDatabaseUrl,
      TEMPORAL_ADDRESS: testEnv.temporalAddress,
      TEMPORAL_TASK_QUEUE: taskQueue,
      QUOTA_RECONCILE_INTERVAL_SECONDS: "0",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  // Kept for the failure message: a worker that cannot start shows why.
  child.stderr?.on("data", (chunk: Buffer) => workerErrors.push(chunk.toString()));
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once("exit", () => r()));
}

describe("a worker killed mid-saga", () => {
  let stack: TestStack;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    // The API only; the workers are separate processes started by the test.
    stack = await startStack();
  });
  afterAll(async () => {
    try {
      // While the surviving worker still runs: the order's workflow must close, not only its order.
      await stack?.expectInvariants();
    } finally {
      for (const child of children) child.kill("SIGKILL");
      await Promise.all(children.map(exited));
      await stack?.close();
    }
  });

  it("is replaced by a new process that finishes the order exactly once", { timeout: 240_000 }, async () => {
    const region = await seedTestRegion(stack.deps.systemDb);
    const { tenantId, client } = await stack.newTenant({ allowedRegions: [region], dedicatedEntitled: true });

    // Slow provider calls keep the saga in flight long enough to kill the worker inside it.
    const first = startWorkerProcess(stack.taskQueue, { PROVIDER_LATENCY_MS: "700" });
    children.push(first);
    const { cluster, order } = await client.clusters.create.mutate({
      name: "survivor",
      region,
      placement: "dedicated",
      dedicated: { nodes: 2, storage: { backend: "ceph", sizeTb: 5 } },
    });
    await eventually(
      async () => {
        const o = await client.orders.get.query({ orderId: order.id });
        expect(o.steps.find((s) => s.name === "network")?.state).toBe("running");
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    ).catch((err: unknown) => {
      throw new Error(`saga never reached the network step; worker stderr: ${workerErrors.join("")}`, {
        cause: err,
      });
    });
    first.kill("SIGKILL");
    await exited(first);

    const second = startWorkerProcess(stack.taskQueue);
    children.push(second);
    const done = await eventually(
      async () => {
        const o = await client.orders.get.query({ orderId: order.id });
        expect(o.state).toBe("completed");
        return o;
      },
      { timeoutMs: 90_000 },
    );
    expect(done.steps.map((s) => [s.name, s.state])).toEqual([
      ["compute", "done"],
      ["network", "done"],
      ["storage", "done"],
      ["register", "done"],
    ]);

    // Exactly once: one allocation per step, the nodes held once, one set of completion events.
    const held = await stack.deps.systemDb
      .select({ key: allocations.requestKey })
      .from(allocations)
      .where(and(eq(allocations.tenantId, tenantId), like(allocations.requestKey, `${cluster.id}.%`)));
    expect(held.map((a) => a.key).sort()).toEqual(
      ["firewall", "nodes", "registration", "storage", "vlan"].map((k) => `${cluster.id}.${k}`),
    );
    const holdings = await regionHoldings(stack.deps.systemDb, region);
    expect(holdings.nodes).toHaveLength(2);
    expect(holdings.vlans).toHaveLength(1);
    expect(holdings.cephUsedTb).toBe(5);
    const types = (await stack.deps.systemDb.select().from(outbox).where(eq(outbox.tenantId, tenantId))).map(
      (e) => e.type,
    );
    expect(types.filter((t) => t === "cluster.ready.v1")).toHaveLength(1);
    expect(types.filter((t) => t === "order.completed.v1")).toHaveLength(1);
    expect(types.filter((t) => t === "network.created.v1")).toHaveLength(1);
  });
});
