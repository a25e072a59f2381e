import { eq } from "drizzle-orm";
import { temporal } from "@temporalio/proto";
import { TestWorkflowEnvironment } from "@temporalio/testing";
import { Runtime, type Worker } from "@temporalio/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId, type EventData, type LifecycleCommand, type TenantId } from "@platforma/contracts";
import {
  clusters,
  createDb,
  createSystemDb,
  orders,
  outbox,
  tableName,
  tenants,
  tenantTables,
  users,
  allocations,
  type DbHandle,
  type AppDb,
  type SystemDb,
} from "@platforma/db";
import {
  createTenant,
  createTenantAccessReader,
  createTenantLifecycleClient,
  transitionTenant,
  type LifecycleDeps,
} from "@platforma/domain";
import { createRelay, ensureTopics, type Relay } from "@platforma/events";
import { createSimulatedDriver } from "@platforma/providers";
import { createFilesystemDriver, createTenantObjectStore, type TenantObjectStore } from "@platforma/storage";
import { createWorker } from "@platforma/worker-app/run-worker";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testEnv } from "./env.ts";
import { rowCounts } from "./lifecycle-fixtures.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The retention timer under Temporal's time-skipping test server: days pass in milliseconds, while
 * every activity runs for real against Postgres, the filesystem object store and the outbox relay.
 */
describe("deletion after the retention period (time-skipping)", () => {
  let env: TestWorkflowEnvironment;
  let app: DbHandle<AppDb>;
  let system: DbHandle<SystemDb>;
  let store: TenantObjectStore;
  let storeDir: string;
  let worker: Worker;
  let workerRun: Promise<void>;
  let relay: Relay;
  let deps: LifecycleDeps;
  const taskQueue = `retention-${globalThis.crypto.randomUUID()}`;

  beforeAll(async () => {
    const path = process.env["TEMPORAL_TEST_SERVER_PATH"];
    if (!path) throw new Error("TEMPORAL_TEST_SERVER_PATH is not set (scripts/services.sh env prints it)");
    Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: "existing-path", path } },
    });
    await env.connection.operatorService.addSearchAttributes({
      namespace: "default",
      searchAttributes: { TenantId: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    });
    app = createDb({ url: testEnv.databaseUrl, max: 5 });
    system = createSystemDb({ url: testEnv.systemDatabaseUrl, max: 5 });
    storeDir = await mkdtemp(join(tmpdir(), "platforma-retention-"));
    store = createTenantObjectStore(createFilesystemDriver({ root: storeDir }));
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: "default",
      taskQueue,
      db: app.db,
      systemDb: system.db,
      provider: createSimulatedDriver({ db: app.db }),
      store,
      defaultRetentionDays: 90,
    });
    workerRun = worker.run();
    // The purge waits for the relay to publish the tenant's events before it deletes them.
    await ensureTopics(testEnv.kafkaBrokers);
    relay = createRelay({ db: system.db, brokers: testEnv.kafkaBrokers, pollIntervalMs: 200 });
    relay.start();
    deps = {
      systemDb: system.db,
      lifecycle: createTenantLifecycleClient(env.client, { taskQueue }),
      tenantAccess: createTenantAccessReader(system.db),
    };
  }, 120_000);

  afterAll(async () => {
    await relay?.stop();
    worker?.shutdown();
    await workerRun;
    await env?.teardown();
    await Promise.all([app?.close(), system?.close()]);
    if (storeDir) await rm(storeDir, { recursive: true, force: true });
  });

  /** A tenant with rows in several tenant tables and two objects under its prefix. */
  async function seededTenant(): Promise<TenantId> {
    const { id } = await createTenant(system.db, { name: "Retention Co", allowedRegions: ["eu-central-1"] });
    const orderId = newId("order");
    const clusterId = newId("cluster");
    await system.db.transaction(async (tx) => {
      await tx.insert(users).values({ id: newId("user"), tenantId: id, email: "owner@retention.example" });
      await tx.insert(orders).values({
        id: orderId,
        tenantId: id,
        kind: "cluster.create",
        request: {},
        workflowId: `order/${orderId}`,
      });
      await tx.insert(clusters).values({
        id: clusterId,
        tenantId: id,
        orderId,
        name: "c",
        region: "eu-central-1",
        placement: "shared",
        state: "ready",
      });
      await tx.insert(allocations).values({
        id: `alc_${orderId}.compute`,
        tenantId: id,
        requestKey: `${orderId}.compute`,
        clusterId,
        region: "eu-central-1",
        kind: "shared-cluster",
      });
    });
    await store.put(id, "archive/2026-01-01T00-00-00-000Z/manifest.json", "{}");
    await store.put(id, "exports/report.csv", "a,b\n");
    return id;
  }

  const run = (tenantId: TenantId, command: LifecycleCommand) => transitionTenant(deps, tenantId, command);
  const handle = (tenantId: TenantId) => env.client.workflow.getHandle(`tenant/${tenantId}`);

  /**
   * How long after `since` (test-server time) the retention timer fired, from the workflow's
   * history: after the result, the server may have skipped further for other executions.
   */
  async function timerFiredAfter(tenantId: TenantId, since: number): Promise<number> {
    const history = await handle(tenantId).fetchHistory();
    const fired = (history.events ?? []).filter((e) => e.timerFiredEventAttributes).at(-1);
    if (!fired?.eventTime) throw new Error("no timer fired");
    return (
      Number(fired.eventTime.seconds ?? 0) * 1000 + Math.floor((fired.eventTime.nanos ?? 0) / 1e6) - since
    );
  }

  async function expectIntact(tenantId: TenantId, rows: Record<string, number>) {
    const now = await rowCounts(system.db, tenantId);
    for (const [table, n] of Object.entries(rows)) expect(now[table], table).toBeGreaterThanOrEqual(n);
    expect(await store.list(tenantId)).toHaveLength(2);
  }

  async function purgedEvent(tenantId: TenantId) {
    const rows = await system.db.select().from(outbox).where(eq(outbox.tenantId, tenantId));
    expect(rows.map((r) => r.type)).toEqual(["tenant.purged.v1"]);
    return rows[0]?.data as EventData<"tenant.purged.v1">;
  }

  it("keeps everything and stays cancellable at 89 days; purges at 90 and proves nothing is left", async () => {
    const tenantId = await seededTenant();
    const bystander = await seededTenant();
    const before = await rowCounts(system.db, tenantId);
    const bystanderBefore = await rowCounts(system.db, bystander);

    const requested = await run(tenantId, { transition: "requestDeletion", requestedBy: "usr_op" });
    expect(requested).toMatchObject({ state: "deleted", retentionDays: null });
    await env.sleep(89 * DAY_MS);
    await expectIntact(tenantId, before);
    const cancelled = await run(tenantId, { transition: "cancelDeletion", requestedBy: "usr_op" });
    expect(cancelled).toMatchObject({ state: "active", purgeAfter: null, purgedAt: null });

    const requestedAt = await env.currentTimeMs();
    await run(tenantId, {
      transition: "requestDeletion",
      reason: "contract terminated",
      requestedBy: "usr_op",
    });
    await env.sleep(89 * DAY_MS);
    await expectIntact(tenantId, before);

    // Awaiting the result lets the server skip to the timer: the purge runs, then the workflow ends.
    const final = await handle(tenantId).result();
    expect(final).toMatchObject({ state: "deleted", purged: true, running: null });
    const elapsed = await timerFiredAfter(tenantId, requestedAt);
    expect(elapsed).toBeGreaterThanOrEqual(90 * DAY_MS - 1000);
    expect(elapsed).toBeLessThan(91 * DAY_MS);

    const left = await rowCounts(system.db, tenantId);
    for (const table of tenantTables.map(tableName)) {
      // The one row left is the purge's own event, written after the verification.
      expect(left[table], table).toBe(table === "outbox" ? 1 : 0);
    }
    expect(await store.list(tenantId)).toEqual([]);
    const event = await purgedEvent(tenantId);
    expect(Object.keys(event.rows).sort()).toEqual(tenantTables.map(tableName).sort());
    for (const [table, counts] of Object.entries(event.rows)) {
      expect(counts, table).toEqual({
        deleted: before[table] === undefined ? 0 : counts.deleted,
        remaining: 0,
      });
    }
    expect(event.rows["users"]).toEqual({ deleted: 1, remaining: 0 });
    expect(event.rows["provider_allocations"]).toEqual({ deleted: 1, remaining: 0 });
    expect(event.rows["tenant_quotas"]).toEqual({ deleted: 7, remaining: 0 });
    expect(event.objects).toEqual({ deleted: 2, remaining: 0 });
    expect(event.allocationsReleased).toBe(1);

    const [tombstone] = await system.db.select().from(tenants).where(eq(tenants.id, tenantId));
    expect(tombstone).toMatchObject({
      name: "purged tenant",
      state: "deleted",
      stateReason: null,
      allowedRegions: [],
    });
    expect(tombstone?.purgedAt).toBeInstanceOf(Date);
    await expect(
      run(tenantId, { transition: "cancelDeletion", requestedBy: "usr_op" }),
    ).rejects.toMatchObject({
      reason: "invalid_transition",
    });

    // Another tenant's rows and objects are untouched.
    expect(await rowCounts(system.db, bystander)).toEqual(bystanderBefore);
    expect(await store.list(bystander)).toHaveLength(2);
  });

  it("honours a per-tenant retention override", async () => {
    const tenantId = await seededTenant();
    const before = await rowCounts(system.db, tenantId);
    const requestedAt = await env.currentTimeMs();
    const requested = await run(tenantId, {
      transition: "requestDeletion",
      retentionDays: 7,
      requestedBy: "usr_op",
    });
    expect(requested).toMatchObject({ state: "deleted", retentionDays: 7 });
    await env.sleep(6 * DAY_MS);
    await expectIntact(tenantId, before);
    await handle(tenantId).result();
    const elapsed = await timerFiredAfter(tenantId, requestedAt);
    expect(elapsed).toBeGreaterThanOrEqual(7 * DAY_MS - 1000);
    expect(elapsed).toBeLessThan(8 * DAY_MS);
    expect((await purgedEvent(tenantId)).objects).toEqual({ deleted: 2, remaining: 0 });
  });

  it("keeps its history bounded: continues as new and carries the state across", async () => {
    const tenantId = await seededTenant();
    const shortHistory: LifecycleDeps = {
      ...deps,
      lifecycle: createTenantLifecycleClient(env.client, { taskQueue, historyLimit: 40 }),
    };
    await transitionTenant(shortHistory, tenantId, {
      transition: "suspend",
      reason: "first",
      requestedBy: "usr_op",
    });
    const firstRunId = (await handle(tenantId).describe()).runId;
    await transitionTenant(shortHistory, tenantId, { transition: "resume", requestedBy: "usr_op" });
    for (let i = 0; i < 7; i++) {
      await transitionTenant(shortHistory, tenantId, {
        transition: "suspend",
        reason: `round ${i}`,
        requestedBy: "usr_op",
      });
      await transitionTenant(shortHistory, tenantId, { transition: "resume", requestedBy: "usr_op" });
    }
    const described = await handle(tenantId).describe();
    expect(described.runId).not.toBe(firstRunId);
    expect(described.status.name).toBe("RUNNING");
    const [row] = await system.db.select().from(tenants).where(eq(tenants.id, tenantId));
    expect(row).toMatchObject({ state: "active", stateVersion: 17 });
    // The new run refuses what the state refuses.
    await expect(
      transitionTenant(shortHistory, tenantId, { transition: "resume", requestedBy: "usr_op" }),
    ).rejects.toMatchObject({ reason: "invalid_transition" });
  });
});
