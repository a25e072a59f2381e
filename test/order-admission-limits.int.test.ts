import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PlatformaClient } from "@platforma/client";
import type { OrderId, TenantId } from "@platforma/contracts";
import { createSystemDb, orders, type DbHandle, type SystemDb } from "@platforma/db";
import type { SimulatedDriverOptions } from "@platforma/providers";
import { testEnv } from "./env.ts";
import { eventually } from "./eventually.ts";
import { rawRequest } from "./raw-http.ts";
import { startStack, type TestStack } from "./stack.ts";

/*
 * A tenant's orders in flight are capped, and the platform's backlog is bounded: past either, a
 * new order is refused before anything is written. Orders are held in flight by a slow provider
 * (`allocateCluster`), then released so every order ends.
 */

type Latency = NonNullable<SimulatedDriverOptions["latency"]>;
const latency: Latency = {};
let system: DbHandle<SystemDb>;

beforeAll(() => {
  system = createSystemDb({ url: testEnv.systemDatabaseUrl, max: 2 });
});
afterAll(async () => {
  await system?.close();
});
beforeEach(() => {
  // Long enough for the refusals below to happen while the first orders are still in flight.
  latency.allocateCluster = 8000;
});

async function ordersOf(tenantId: TenantId): Promise<number> {
  return (await system.db.select({ id: orders.id }).from(orders).where(eq(orders.tenantId, tenantId))).length;
}

/** Waits for the held orders to end (the provider sleeps out its latency, then completes them). */
async function release(client: PlatformaClient, ids: OrderId[]): Promise<void> {
  delete latency.allocateCluster;
  await eventually(
    async () => {
      for (const orderId of ids) {
        const o = await client.orders.get.query({ orderId });
        expect(["completed", "failed", "compensated"]).toContain(o.state);
      }
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}

describe("a tenant's orders in flight", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ worker: true, provider: { latency }, maxOrdersInFlight: 2 });
  });
  afterAll(async () => {
    try {
      await stack?.expectInvariants();
    } finally {
      await stack?.close();
    }
  });

  it("past the cap: 429 rate_limited with the limit and Retry-After, nothing written; other tenants go on", async () => {
    const { tenantId, client, token } = await stack.newTenant();
    const held = [
      await client.clusters.create.mutate({ name: "one", region: "eu-central-1" }),
      await client.clusters.create.mutate({ name: "two", region: "eu-central-1" }),
    ];
    const refused = await rawRequest(stack.url, {
      method: "POST",
      path: "/trpc/clusters.create",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "three", region: "eu-central-1" }),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(refused.body).error.data).toMatchObject({
      reason: "rate_limited",
      limit: { ordersInFlight: 2 },
      inFlight: 2,
    });
    expect(await ordersOf(tenantId)).toBe(2);
    const usage = await stack.operator.tenants.get.query({ tenantId });
    expect(usage.usage.find((u) => u.quota === "max_clusters")?.used).toBe(2);

    const other = await stack.newTenant();
    const theirs = await other.client.clusters.create.mutate({ name: "one", region: "eu-central-1" });

    await release(
      client,
      held.map((h) => h.order.id),
    );
    await release(other.client, [theirs.order.id]);
    // With its orders ended, the tenant orders again.
    latency.allocateCluster = 0;
    const again = await client.clusters.create.mutate({ name: "three", region: "eu-central-1" });
    await release(client, [again.order.id]);
  }, 180_000);
});

describe("back-pressure on the platform's backlog", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ worker: true, provider: { latency }, backlogBound: 3 });
  });
  afterAll(async () => {
    try {
      await stack?.expectInvariants();
    } finally {
      await stack?.close();
    }
  });

  it("past the bound: 503 overloaded, retryable, for every tenant, nothing written; orders flow again once it drains", async () => {
    const a = await stack.newTenant();
    const b = await stack.newTenant();
    const heldA = [
      await a.client.clusters.create.mutate({ name: "one", region: "eu-central-1" }),
      await a.client.clusters.create.mutate({ name: "two", region: "eu-central-1" }),
    ];
    const heldB = [await b.client.clusters.create.mutate({ name: "one", region: "eu-central-1" })];
    for (const tenant of [a, b]) {
      const refused = await rawRequest(stack.url, {
        method: "POST",
        path: "/trpc/clusters.create",
        headers: { authorization: `Bearer ${tenant.token}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "more", region: "eu-central-1" }),
      });
      expect(refused.status).toBe(503);
      expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(refused.body).error.data).toMatchObject({
        reason: "overloaded",
        retryable: true,
        backlog: { open: 3, bound: 3 },
      });
    }
    expect(await ordersOf(a.tenantId)).toBe(2);
    expect(await ordersOf(b.tenantId)).toBe(1);

    await release(
      a.client,
      heldA.map((h) => h.order.id),
    );
    await release(
      b.client,
      heldB.map((h) => h.order.id),
    );
    latency.allocateCluster = 0;
    const after = await b.client.clusters.create.mutate({ name: "more", region: "eu-central-1" });
    await release(b.client, [after.order.id]);
  }, 180_000);
});
