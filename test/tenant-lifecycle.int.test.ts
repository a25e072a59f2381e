import { setTimeout as sleep } from "node:timers/promises";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorDataOf, type PlatformaClient } from "@platforma/client";
import type { TenantId } from "@platforma/contracts";
import {
  allocations,
  clusters,
  instances,
  storagePools,
  tableName,
  tenantTables,
  withTenant,
} from "@platforma/db";
import { startStack, type ApiReplica, type TestStack } from "./stack.ts";
import { eventTypes, lifecycleIdle, provisionedTenantCompute, rowCounts } from "./lifecycle-fixtures.ts";

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => errorDataOf(e),
  );

/** The API's cache TTL in these tests: what a process that did not make the change may lag by. */
const CACHE_TTL_MS = 500;

describe("tenant lifecycle on the dev server (HTTP → tRPC → Temporal update → workflow → Postgres)", () => {
  let stack: TestStack;
  let replica: ApiReplica;
  beforeAll(async () => {
    stack = await startStack({ worker: true, tenantStateCacheMs: CACHE_TTL_MS });
    replica = await stack.replica(CACHE_TTL_MS);
  });
  afterAll(async () => {
    try {
      await stack?.expectInvariants();
    } finally {
      await stack?.close();
    }
  });

  /**
   * A token issued before the change is refused at once by the API process that made it, and by
   * another process once its cache (TTL 500 ms) has expired: a call one second later.
   */
  async function expectStaleTokenRefused(token: string, reason: string, warmed: PlatformaClient) {
    expect((await refusal(stack.clientFor(token).clusters.list.query()))?.reason).toBe(reason);
    await sleep(1000);
    expect((await refusal(warmed.clusters.list.query()))?.reason).toBe(reason);
  }

  it("suspends and resumes; a stale token is refused within a second, everywhere", async () => {
    const { tenantId, token, client } = await stack.newTenant();
    const onReplica = replica.clientFor(token);
    await client.clusters.list.query();
    await onReplica.clusters.list.query();

    const suspended = await stack.operator.tenants.suspend.mutate({ tenantId, reason: "non-payment" });
    expect(suspended).toMatchObject({
      state: "suspended",
      stateReason: "non-payment",
      previousState: "active",
    });
    await expectStaleTokenRefused(token, "tenant_suspended", onReplica);

    const resumed = await stack.operator.tenants.resume.mutate({ tenantId });
    expect(resumed).toMatchObject({ state: "active", stateReason: null, transition: null });
    expect((await client.clusters.list.query()).items).toEqual([]);
    expect(await eventTypes(stack.deps.systemDb, tenantId)).toEqual([
      "tenant.created.v1",
      "tenant.suspended.v1",
      "tenant.resumed.v1",
    ]);

    // The workflow is findable by the tenant's search attribute, like orders.
    const described = await stack.temporal!.workflow.getHandle(`tenant/${tenantId}`).describe();
    expect(described.searchAttributes).toMatchObject({ TenantId: [tenantId] });
  });

  it.each(["abuse\u0000report", "abuse\ud800report"])(
    "refuses a reason the database cannot store (%j) as invalid_input, and the next transition runs",
    async (reason) => {
      const { tenantId } = await stack.newTenant();
      for (const attempt of [
        () => stack.operator.tenants.suspend.mutate({ tenantId, reason }),
        () => stack.operator.tenants.archive.mutate({ tenantId, reason }),
        () => stack.operator.tenants.requestDeletion.mutate({ tenantId, reason }),
      ]) {
        expect(await refusal(attempt())).toMatchObject({ reason: "invalid_input", httpStatus: 400 });
      }
      // Nothing is wedged: the operator's safety lever works at once.
      expect((await stack.operator.tenants.suspend.mutate({ tenantId, reason: "abuse report" })).state).toBe(
        "suspended",
      );
    },
  );

  it("refuses invalid transitions with invalid_transition (409), naming the current state", async () => {
    const { tenantId } = await stack.newTenant();
    for (const attempt of [
      () => stack.operator.tenants.resume.mutate({ tenantId }),
      () => stack.operator.tenants.restore.mutate({ tenantId }),
      () => stack.operator.tenants.cancelDeletion.mutate({ tenantId }),
    ]) {
      expect(await refusal(attempt())).toMatchObject({
        reason: "invalid_transition",
        httpStatus: 409,
        currentState: "active",
      });
    }
    await stack.operator.tenants.suspend.mutate({ tenantId, reason: "audit" });
    expect(await refusal(stack.operator.tenants.suspend.mutate({ tenantId, reason: "again" }))).toMatchObject(
      {
        reason: "invalid_transition",
        currentState: "suspended",
      },
    );
    expect(await refusal(stack.operator.tenants.restore.mutate({ tenantId }))).toMatchObject({
      reason: "invalid_transition",
      currentState: "suspended",
    });
    const unknown = await refusal(
      stack.operator.tenants.suspend.mutate({
        tenantId: "ten_00000000000000000000" as TenantId,
        reason: "x",
      }),
    );
    expect(unknown?.reason).toBe("not_found");
  });

  it("archives: exports every tenant table, releases compute, gives quota back, keeps the rows; then restores", async () => {
    const { tenantId, token, client } = await stack.newTenant();
    await provisionedTenantCompute(client);
    const onReplica = replica.clientFor(token);
    await onReplica.clusters.list.query();
    const before = await rowCounts(stack.deps.systemDb, tenantId);

    const archived = await stack.operator.tenants.archive.mutate({ tenantId, reason: "contract ended" });
    expect(archived.state).toBe("archived");
    await expectStaleTokenRefused(token, "tenant_archived", onReplica);
    // While the export and release run, nothing else may start.
    const idle = await lifecycleIdle(stack, tenantId);
    expect(idle).toMatchObject({ state: "archived", stateReason: "contract ended", transition: null });

    const keys = await stack.store.list(tenantId);
    const manifestKey = keys.find((k) => k.endsWith("/manifest.json"));
    expect(manifestKey).toMatch(/^archive\/\d{4}-\d\d-\d\dT[\d-]+Z\/manifest\.json$/);
    const dir = manifestKey!.slice(0, -"manifest.json".length);
    const manifest = JSON.parse(
      new TextDecoder().decode((await stack.store.get(tenantId, manifestKey!))!),
    ) as {
      tables: Record<string, { rows: number; file: string }>;
      files: string[];
    };
    const names = tenantTables.map(tableName).sort();
    expect(Object.keys(manifest.tables).sort()).toEqual(names);
    expect(manifest.files.sort()).toEqual(names.map((n) => `${n}.jsonl`));
    expect(keys.sort()).toEqual([...names.map((n) => `${dir}${n}.jsonl`), `${dir}manifest.json`].sort());
    for (const name of names) {
      // The export ran after the archive event was written: it has one more outbox row than before.
      expect(manifest.tables[name]?.rows, name).toBe((before[name] ?? 0) + (name === "outbox" ? 1 : 0));
      const lines = new TextDecoder()
        .decode((await stack.store.get(tenantId, `${dir}${name}.jsonl`))!)
        .split("\n")
        .filter(Boolean);
      expect(lines).toHaveLength(manifest.tables[name]?.rows ?? -1);
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ tenant_id: tenantId });
    }

    // Compute is released and marked so; quota is back; the data rows are still there.
    const compute = await withTenant(stack.deps.db, tenantId, async (tx) => ({
      allocations: await tx.select().from(allocations),
      clusters: await tx.select().from(clusters),
      instances: await tx.select().from(instances),
      pools: await tx.select().from(storagePools),
    }));
    expect(compute.allocations.length).toBe(3);
    expect(compute.allocations.every((a) => a.releasedAt !== null)).toBe(true);
    expect([...compute.clusters, ...compute.instances, ...compute.pools].map((r) => r.state)).toEqual([
      "deleted",
      "deleted",
      "deleted",
    ]);
    expect(idle.quotas).toBeDefined();
    const after = await rowCounts(stack.deps.systemDb, tenantId);
    for (const name of names) expect(after[name], name).toBeGreaterThanOrEqual(before[name] ?? 0);
    const events = await eventTypes(stack.deps.systemDb, tenantId);
    expect(events.slice(-2)).toEqual(["tenant.archived.v1", "tenant.archive_completed.v1"]);

    const restored = await stack.operator.tenants.restore.mutate({ tenantId });
    expect(restored).toMatchObject({ state: "active", previousState: "archived" });
    const { quotas } = await client.quotas.get.query();
    expect(Object.fromEntries(quotas.map((q) => [q.quota, q.used]))).toMatchObject({
      max_clusters: 0,
      max_instances: 0,
      max_cpu_cores: 0,
      max_memory_gb: 0,
      max_storage_tb: 0,
    });
    expect((await client.orders.list.query()).items).toHaveLength(3);
  });

  it("requests and cancels a deletion: refused as deleted, back to the previous state", async () => {
    const { tenantId, token } = await stack.newTenant();
    await stack.operator.tenants.suspend.mutate({ tenantId, reason: "review" });
    const requested = await stack.operator.tenants.requestDeletion.mutate({ tenantId, retentionDays: 30 });
    expect(requested).toMatchObject({ state: "deleted", previousState: "suspended", retentionDays: 30 });
    const purgeIn = Date.parse(requested.purgeAfter ?? "") - Date.parse(requested.deletionRequestedAt ?? "");
    expect(purgeIn).toBe(30 * 24 * 3600 * 1000);
    expect((await refusal(stack.clientFor(token).clusters.list.query()))?.reason).toBe("tenant_deleted");
    expect((await stack.operator.tenants.get.query({ tenantId })).purgeAfter).toBe(requested.purgeAfter);

    const cancelled = await stack.operator.tenants.cancelDeletion.mutate({ tenantId });
    expect(cancelled).toMatchObject({ state: "suspended", purgeAfter: null, deletionRequestedAt: null });
    expect((await refusal(stack.clientFor(token).clusters.list.query()))?.reason).toBe("tenant_suspended");
    expect((await eventTypes(stack.deps.systemDb, tenantId)).slice(-2)).toEqual([
      "tenant.deletion_requested.v1",
      "tenant.deletion_cancelled.v1",
    ]);
  });

  it("lets no tenant credential call a lifecycle procedure, on itself or another tenant", async () => {
    const a = await stack.newTenant();
    const b = await stack.newTenant();
    for (const target of [a.tenantId, b.tenantId]) {
      const attempts = [
        a.client.tenants.suspend.mutate({ tenantId: target, reason: "x" }),
        a.client.tenants.resume.mutate({ tenantId: target }),
        a.client.tenants.archive.mutate({ tenantId: target }),
        a.client.tenants.restore.mutate({ tenantId: target }),
        a.client.tenants.requestDeletion.mutate({ tenantId: target, retentionDays: 0 }),
        a.client.tenants.cancelDeletion.mutate({ tenantId: target }),
        a.client.tenants.get.query({ tenantId: target }),
      ];
      const reasons = (await Promise.all(attempts.map(refusal))).map((e) => e?.reason ?? "ALLOWED");
      expect(reasons).toEqual(Array(attempts.length).fill("missing_scope"));
    }
    const [ta, tb] = await Promise.all([
      stack.operator.tenants.get.query({ tenantId: a.tenantId }),
      stack.operator.tenants.get.query({ tenantId: b.tenantId }),
    ]);
    expect([ta.state, tb.state]).toEqual(["active", "active"]);
    expect(
      await stack.deps.systemDb.select().from(allocations).where(eq(allocations.tenantId, a.tenantId)),
    ).toEqual([]);
  });
});
