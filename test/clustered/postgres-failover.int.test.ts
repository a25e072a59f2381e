import { setTimeout as delay } from "node:timers/promises";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorDataOf, type PlatformaClient } from "@platforma/client";
import type { OrderId, TenantId } from "@platforma/contracts";
import { createSystemDb, orders, outbox, runMigrations, tenantQuotas } from "@platforma/db";
import { seedInventory } from "@platforma/providers";
import { eventually } from "../eventually.ts";
import { startStack, type TestStack } from "../stack.ts";
import { startPostgresPair, type PostgresPair } from "./postgres-servers.ts";
import { report } from "./report.ts";

/*
 * A primary with a synchronous streaming standby. Mid-load the primary crashes and the standby is
 * promoted; the API, the Temporal worker and the outbox relay were given both hosts
 * (`target_session_attrs=read-write`) and find the new primary by themselves. Nothing acknowledged
 * is lost, and the callers see only typed, retryable errors while no server takes writes.
 */

const TENANTS = 3;

/** What a caller got: the order id, or the error's HTTP status and reason. */
type Outcome = { ok: true; orderId: OrderId } | { ok: false; kind: string };

function outcomeOf(err: unknown): { ok: false; kind: string } {
  const data = errorDataOf(err);
  if (data) return { ok: false, kind: `${data.httpStatus} ${data.reason}` };
  return { ok: false, kind: `transport ${err instanceof Error ? err.message : String(err)}` };
}

describe("a PostgreSQL primary replaced by its promoted standby under load", () => {
  let pair: PostgresPair;
  let stack: TestStack;
  let loading = true;
  let loaders: Promise<void>[] = [];

  beforeAll(async () => {
    pair = await startPostgresPair();
    await runMigrations(pair.primary.url("owner"));
    const seed = createSystemDb({ url: pair.primary.url("system"), max: 1 });
    try {
      await seedInventory(seed.db);
    } finally {
      await seed.close();
    }
    stack = await startStack({
      worker: true,
      relay: true,
      urls: { databaseUrl: pair.url("app"), systemDatabaseUrl: pair.url("system") },
    });
  }, 180_000);

  afterAll(async () => {
    loading = false;
    await Promise.allSettled(loaders);
    try {
      // Bounded: the servers below are stopped whatever the stack's shutdown does.
      await Promise.race([stack?.close(), delay(60_000)]);
    } finally {
      await pair?.destroy();
    }
  }, 120_000);

  it(
    "loses no acknowledged order, quota change or event; answers only 503 unavailable during the switch",
    { timeout: 400_000 },
    async () => {
      const tenants: { tenantId: TenantId; client: PlatformaClient }[] = [];
      for (let i = 0; i < TENANTS; i++)
        tenants.push(await stack.newTenant({ quotas: { max_clusters: 1000 } }));

      const placed: { tenantId: TenantId; orderId: OrderId; at: number }[] = [];
      const quotaSet = new Map<TenantId, number>();
      const failures: { kind: string; at: number }[] = [];
      const record = (tenantId: TenantId, outcome: Outcome, at: number) => {
        if (outcome.ok) placed.push({ tenantId, orderId: outcome.orderId, at });
        else failures.push({ kind: outcome.kind, at });
      };

      loaders = tenants.flatMap(({ tenantId, client }, t) => [
        // Orders: quota admission, resource rows, the order and its event in one transaction; then
        // the worker provisions it.
        (async () => {
          for (let n = 0; loading; n++) {
            const outcome: Outcome = await client.clusters.create
              .mutate({ name: `fo-${t}-${n}`, region: "eu-central-1" })
              .then((r) => ({ ok: true as const, orderId: r.order.id }), outcomeOf);
            record(tenantId, outcome, Date.now());
            await delay(outcome.ok ? 100 : 250);
          }
        })(),
        // Quota changes by an operator: the last one acknowledged is the one that holds.
        (async () => {
          for (let n = 1; loading; n++) {
            const limit = 1000 + n;
            const outcome = await stack.operator.tenants.updateQuotas
              .mutate({ tenantId, quotas: { max_instances: limit } })
              .then(() => ({ ok: true as const }), outcomeOf);
            if (outcome.ok) quotaSet.set(tenantId, limit);
            else failures.push({ kind: outcome.kind, at: Date.now() });
            await delay(300);
          }
        })(),
      ]);

      await eventually(async () => expect(placed.length).toBeGreaterThanOrEqual(15), { timeoutMs: 120_000 });
      const placedBeforeCrash = placed.length;
      const crashedAt = Date.now();
      await pair.primary.crash();
      // The time a failover manager takes to decide; meanwhile no server takes writes.
      await delay(1000);
      await pair.standby.promote();
      const promotedAt = Date.now();

      const recoveredAt = await eventually(
        async () => {
          const first = placed.find((p) => p.at > promotedAt);
          if (!first)
            throw new Error(
              `no order placed since the promotion (failures: ${JSON.stringify(tally(failures))})`,
            );
          return first.at;
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      const target = placed.length + 15;
      await eventually(async () => expect(placed.length).toBeGreaterThanOrEqual(target), {
        timeoutMs: 120_000,
      });
      loading = false;
      await Promise.all(loaders);

      // Typed errors only: 503 unavailable, never a 500 or a raw transport failure.
      expect(failures.filter((f) => f.kind !== "503 unavailable")).toEqual([]);

      // Every acknowledged order is on the new primary, and ends (its workflow ran against it).
      const db = stack.deps.systemDb;
      const ids = placed.map((p) => p.orderId);
      const found = await db.select({ id: orders.id }).from(orders).where(inArray(orders.id, ids));
      expect(found.map((o) => o.id).sort()).toEqual([...ids].sort());
      await stack.expectInvariants(undefined, { timeoutMs: 180_000 });
      const completed = await db
        .select({ id: orders.id })
        .from(orders)
        .where(and(inArray(orders.id, ids), eq(orders.state, "completed")));
      expect(completed.length).toBe(ids.length);

      // No connection is held by a transaction that failed during the switch (one whose BEGIN
      // failed used to keep its client for good, until the pool ran dry).
      await eventually(
        async () => {
          for (const pool of [stack.pools.app, stack.pools.system])
            expect({ held: pool.totalCount - pool.idleCount, waiting: pool.waitingCount }).toEqual({
              held: 0,
              waiting: 0,
            });
        },
        { timeoutMs: 30_000, intervalMs: 10 },
      );

      // Every acknowledged quota change holds.
      for (const [tenantId, limit] of quotaSet) {
        const [row] = await db
          .select({ limit: tenantQuotas.limit })
          .from(tenantQuotas)
          .where(and(eq(tenantQuotas.tenantId, tenantId), eq(tenantQuotas.quota, "max_instances")));
        expect(row?.limit).toBe(limit);
      }

      // Every event of the tenants is published by the relay, which reconnected by itself.
      await eventually(
        async () => {
          const unpublished = await db
            .select({ id: outbox.id })
            .from(outbox)
            .where(
              and(
                inArray(
                  outbox.tenantId,
                  tenants.map((t) => t.tenantId),
                ),
                isNull(outbox.publishedAt),
              ),
            );
          expect(unpublished).toEqual([]);
        },
        { timeoutMs: 120_000, intervalMs: 250 },
      );

      report("PostgreSQL: primary crashed, standby promoted under load", {
        "orders acknowledged": placed.length,
        "acknowledged before the crash": placedBeforeCrash,
        "quota changes acknowledged (last per tenant kept)": [...quotaSet.values()].length,
        "crash to promotion (ms, the simulated failover decision)": promotedAt - crashedAt,
        "promotion to first order acknowledged (ms)": recoveredAt - promotedAt,
        "errors seen by type": tally(failures),
      });
    },
  );
});

function tally(failures: { kind: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { kind } of failures) out[kind] = (out[kind] ?? 0) + 1;
  return out;
}
