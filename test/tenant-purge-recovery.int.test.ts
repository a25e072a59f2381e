import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { and, eq, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKFLOW_NAMES, type EventData, type TenantId } from "@platforma/contracts";
import { allocations, outbox, tableName, tenants, tenantTables } from "@platforma/db";
import { startStack, type TestStack } from "./stack.ts";
import { eventually } from "./eventually.ts";
import { provisionedTenantCompute, rowCounts } from "./lifecycle-fixtures.ts";

/** A worker in a child process with a slow provider, started and ready to be killed. */
async function childWorker(stack: TestStack, latencyMs: number): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL("./worker-child.ts", import.meta.url)), {
    env: {
      ...process.env,
      CHILD_TASK_QUEUE: stack.taskQueue,
      CHILD_STORE_DIR: stack.storeDir,
      CHILD_PROVIDER_LATENCY_MS: String(latencyMs),
    },
    execArgv: [],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`worker child exited with ${code}`)));
  });
  return child;
}

describe("an interrupted purge resumes on another worker, and purging twice is harmless", () => {
  let stack: TestStack;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    // The relay publishes the tenant's events, which the purge waits for.
    stack = await startStack({ worker: true, relay: true });
  });
  afterAll(async () => {
    child?.kill("SIGKILL");
    try {
      await stack?.expectInvariants();
    } finally {
      await stack?.close();
    }
  });

  it("finishes the purge after the worker running it is killed mid-release", async () => {
    const { tenantId, client } = await stack.newTenant();
    const clusterId = await provisionedTenantCompute(client);
    for (const name of ["i2", "i3"]) {
      const { order } = await client.instances.create.mutate({ clusterId, name, cpuCores: 1, memoryGb: 1 });
      await eventually(async () => {
        if ((await client.orders.get.query({ orderId: order.id })).state !== "completed")
          throw new Error("pending");
      });
    }
    await stack.store.put(tenantId, "exports/usage.csv", "a,b\n");
    const before = await rowCounts(stack.deps.systemDb, tenantId);
    expect(before["provider_allocations"]).toBe(5);

    // Hand the task queue to a worker whose provider takes 1.5 s per release, then purge at once.
    await stack.stopWorker();
    child = await childWorker(stack, 1500);
    await stack.operator.tenants.requestDeletion.mutate({ tenantId, retentionDays: 0 });

    const released = () =>
      stack.deps.systemDb
        .select()
        .from(allocations)
        .where(and(eq(allocations.tenantId, tenantId), isNotNull(allocations.releasedAt)));
    await eventually(
      async () => {
        const t = await stack.operator.tenants.get.query({ tenantId });
        expect(t.transition).toMatchObject({ transition: "purge", step: "release-compute" });
        expect((await released()).length).toBeGreaterThan(0);
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    child.kill("SIGKILL");
    await new Promise((resolve) => child?.once("exit", resolve));
    const releasedWhenKilled = (await released()).length;
    expect(releasedWhenKilled).toBeLessThan(5);

    // A new worker picks the step up once the dead one's heartbeat times out.
    await stack.startWorker();
    const purged = await eventually(
      async () => {
        const t = await stack.operator.tenants.get.query({ tenantId });
        // The tombstone commits just before the workflow reports the purge finished.
        if (!t.purgedAt || t.transition) throw new Error(`not purged yet: ${JSON.stringify(t.transition)}`);
        return t;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(purged).toMatchObject({ state: "deleted", name: "purged tenant", transition: null });

    const left = await rowCounts(stack.deps.systemDb, tenantId);
    for (const table of tenantTables.map(tableName))
      expect(left[table], table).toBe(table === "outbox" ? 1 : 0);
    expect(await stack.store.list(tenantId)).toEqual([]);
    const [event] = await stack.deps.systemDb.select().from(outbox).where(eq(outbox.tenantId, tenantId));
    expect(event?.type).toBe("tenant.purged.v1");
    const data = event?.data as EventData<"tenant.purged.v1">;
    expect(data.allocationsReleased).toBe(5);
    expect(data.objects).toEqual({ deleted: 1, remaining: 0 });
    expect(data.rows["provider_allocations"]).toEqual({ deleted: 5, remaining: 0 });
    expect(data.rows["instances"]).toEqual({ deleted: 3, remaining: 0 });
    for (const table of tenantTables.map(tableName)) expect(data.rows[table]?.remaining, table).toBe(0);

    await purgeAgain(tenantId, purged.purgedAt ?? "");
  }, 180_000);

  /** A second purge run over the tombstone: nothing to delete, no second event, the tombstone unchanged. */
  async function purgeAgain(tenantId: TenantId, purgedAt: string) {
    const [tombstone] = await stack.deps.systemDb.select().from(tenants).where(eq(tenants.id, tenantId));
    const result = await stack.temporal!.workflow.execute(WORKFLOW_NAMES.tenantLifecycle, {
      taskQueue: stack.taskQueue,
      workflowId: `purge-again/${tenantId}`,
      args: [
        {
          tenantId,
          snapshot: {
            state: "deleted",
            stateVersion: tombstone?.stateVersion ?? 0,
            purgeAfter: 0,
            purged: false,
          },
        },
      ],
    });
    expect(result).toMatchObject({ purged: true, running: null });
    const [after] = await stack.deps.systemDb.select().from(tenants).where(eq(tenants.id, tenantId));
    expect(after).toEqual(tombstone);
    expect(after?.purgedAt?.toISOString()).toBe(purgedAt);
    const events = await stack.deps.systemDb.select().from(outbox).where(eq(outbox.tenantId, tenantId));
    // The first run's (published) event may be deleted by the second; a second event is never written.
    expect(events.filter((e) => e.type === "tenant.purged.v1").length).toBeLessThanOrEqual(1);
    const left = await rowCounts(stack.deps.systemDb, tenantId);
    for (const table of tenantTables.map(tableName))
      expect(left[table], table).toBeLessThanOrEqual(table === "outbox" ? 1 : 0);
  }
});
