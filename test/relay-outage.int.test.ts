import { setTimeout as delay } from "node:timers/promises";
import { count, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId, TOPICS, type TenantId } from "@platforma/contracts";
import { outbox, type SystemDb } from "@platforma/db";
import { appendEvent, createRelay, ensureTopics, type Logger } from "@platforma/events";
import {
  createIsolatedOutbox,
  readTopicsToEnd,
  startKafkaBroker,
  type IsolatedOutbox,
  type KafkaBroker,
} from "@platforma/events/testing";
import { testEnv } from "./env.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

/*
 * The relay against a broker that becomes unreachable and comes back, as a network outage looks:
 * a broker of this file's own advertises a TCP proxy's address (clients reconnect to the address
 * in the metadata, so a proxy the broker did not advertise would be bypassed), and the test cuts
 * the proxy. The relay drains an outbox table of its own, so the shared relays never take its rows.
 */

let proxy: TcpProxy | undefined;
let broker: KafkaBroker;
let isolated: IsolatedOutbox;
let db: SystemDb;

beforeAll(async () => {
  [broker, isolated] = await Promise.all([
    startKafkaBroker({
      advertisedAddress: async (port) => {
        proxy = await startTcpProxy(`127.0.0.1:${port}`);
        return proxy.address;
      },
    }),
    createIsolatedOutbox({
      ownerUrl: testEnv.ownerDatabaseUrl,
      systemUrl: testEnv.systemDatabaseUrl,
      max: 6,
    }),
  ]);
  db = isolated.system.db;
  await ensureTopics(broker.brokers);
}, 180_000);

afterAll(async () => {
  proxy?.restore();
  await Promise.allSettled([broker?.destroy(), isolated?.drop()]);
  await proxy?.close();
});

async function commitEvent(tenantId: TenantId, n: number): Promise<void> {
  await db.transaction(async (tx) => {
    const orderId = newId("order");
    await appendEvent(tx, tenantId, "order.placed.v1", {
      orderId,
      workflowId: `order/${orderId}`,
      kind: "cluster",
      request: { n },
    });
  });
}

async function unpublished(): Promise<number> {
  const [row] = await db.select({ n: count() }).from(outbox).where(isNull(outbox.publishedAt));
  return row?.n ?? 0;
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await delay(20);
  }
}

describe("outbox relay and an unreachable broker", () => {
  it("retries at most a second apart while the broker is away, then publishes in per-tenant order, losing nothing", async () => {
    const failures: number[] = [];
    const logger: Logger = {
      info: () => {},
      warn: () => {},
      error: (fields) => failures.push(Number((fields as { retryInMs?: number }).retryInMs)),
    };
    // Production settings: the relay's own producer and its default poll interval and backoff.
    const relay = createRelay({ db, brokers: broker.brokers, logger });
    const tenants = [newId("tenant"), newId("tenant"), newId("tenant")];
    relay.start();
    try {
      for (const tenantId of tenants) await commitEvent(tenantId, 0);
      await until(async () => (await unpublished()) === 0, 30_000, "published before the outage");

      proxy?.cut();
      const cutAt = Date.now();
      for (let n = 1; n <= 4; n++) for (const tenantId of tenants) await commitEvent(tenantId, n);
      // Five failures: a backoff doubling from 200 ms without a low ceiling would now wait 6.4 s.
      await until(() => failures.length >= 5 && Date.now() - cutAt >= 20_000, 120_000, "relay failing");
      expect(await unpublished(), "nothing is marked while the broker is away").toBe(tenants.length * 4);

      proxy?.restore();
      await until(async () => (await unpublished()) === 0, 60_000, "published after the outage");
      // The ceiling is what bounds how late the relay notices the broker is back.
      expect(Math.max(...failures), "every retry waits at most the 1 s ceiling").toBeLessThanOrEqual(1000);
      expect(failures.every((ms) => ms > 0)).toBe(true);
    } finally {
      await relay.stop();
    }

    const rows = await db
      .select({ id: outbox.id, tenantId: outbox.tenantId })
      .from(outbox)
      .orderBy(outbox.seq);
    const messages = await readTopicsToEnd(broker.brokers, [TOPICS.orders]);
    for (const tenantId of tenants) {
      const expected = rows.filter((row) => row.tenantId === tenantId).map((row) => row.id);
      const arrived = messages.filter((m) => m.key === tenantId).map((m) => m.headers.get("ce_id") ?? "");
      // At least once: a redelivery repeats an id already delivered, in place, never out of order.
      expect([...new Set(arrived)], `events of ${tenantId}, in seq order`).toEqual(expected);
    }
  }, 240_000);
});
