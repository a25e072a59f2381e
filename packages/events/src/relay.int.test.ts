import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cloudEventType,
  EVENT_CATALOGUE,
  EVENT_SOURCE,
  newId,
  TOPICS,
  type EventData,
  type EventType,
  type TenantId,
} from "@platforma/contracts";
import { createSystemDb, outbox, runMigrations, type DbHandle, type SystemDb } from "@platforma/db";
import type { Logger } from "./logger.ts";
import { createEventProducer, type EventProducer } from "./producer.ts";
import { createRelay, type Relay } from "./relay.ts";
import { readTopicsToEnd, type TopicMessage } from "./testing/read-topics.ts";
import { ensureTopics } from "./topics.ts";

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required for integration tests`);
  return value;
}

const brokers = requireEnv("KAFKA_BROKERS").split(",");
type Row = typeof outbox.$inferSelect;
type NewRow = typeof outbox.$inferInsert;
type Received = TopicMessage;

let system: DbHandle<SystemDb>;
let producer: EventProducer;
let relay: Relay;

beforeAll(async () => {
  await runMigrations(requireEnv("DATABASE_OWNER_URL"));
  system = createSystemDb({ url: requireEnv("DATABASE_SYSTEM_URL"), max: 4 });
  await ensureTopics(brokers);
  producer = createEventProducer({ brokers, clientId: "relay-int-test" });
  // A small batch so one drain spans several transactions and producer batches.
  relay = createRelay({ db: system.db, producer, batchSize: 4 });
}, 60_000);

afterAll(async () => {
  await producer?.close();
  await system?.close();
});

function eventRow<T extends EventType>(tenantId: TenantId, type: T, data: EventData<T>): NewRow {
  return { id: newId("event"), tenantId, topic: EVENT_CATALOGUE[type].topic, type, data };
}

function orderEvent(tenantId: TenantId, n: number) {
  const orderId = `ord_test${n}`;
  return eventRow(tenantId, "order.placed.v1", {
    orderId,
    workflowId: `order/${orderId}`,
    kind: "cluster",
    request: { n },
  });
}

async function readRows(ids: string[]): Promise<Row[]> {
  return system.db.select().from(outbox).where(inArray(outbox.id, ids));
}

/** Drains until every given row is marked; another relay on the shared database may do part of the work. */
async function drainUntilPublished(ids: string[], timeoutMs = 30_000): Promise<Row[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await relay.drainOnce();
    const rows = await readRows(ids);
    if (rows.length === ids.length && rows.every((row) => row.publishedAt !== null)) return rows;
    if (Date.now() > deadline) throw new Error(`rows not published within ${timeoutMs} ms`);
    await delay(50);
  }
}

/** What the topics hold for the keys `keep` accepts, read to their high watermarks (duplicates show). */
async function readTopics(topics: string[], keep: (key: string) => boolean): Promise<Received[]> {
  const messages = await readTopicsToEnd(brokers, topics);
  return messages.filter((message) => message.key !== undefined && keep(message.key));
}

describe("outbox relay", () => {
  it("publishes every row exactly once, keyed by tenant, with CloudEvents headers, in per-tenant order", async () => {
    const tenants = [newId("tenant"), newId("tenant"), newId("tenant")];
    // Interleaved across tenants so per-tenant order is not an accident of insertion blocks.
    const values = tenants.map((tenantId) =>
      eventRow(tenantId, "tenant.created.v1", {
        tenantId,
        name: `t-${tenantId}`,
        allowedRegions: ["eu-west"],
      }),
    );
    for (let n = 0; n < 5; n++) for (const tenantId of tenants) values.push(orderEvent(tenantId, n));
    const inserted = await system.db.insert(outbox).values(values).returning();
    const ids = inserted.map((row) => row.id);

    const published = await drainUntilPublished(ids);
    expect(published.every((row) => row.publishedAt instanceof Date)).toBe(true);

    const tenantSet = new Set<string>(tenants);
    const received = await readTopics([TOPICS.tenants, TOPICS.orders], (key) => tenantSet.has(key));

    const receivedIds = received.map((message) => message.headers.get("ce_id"));
    expect(receivedIds).toHaveLength(inserted.length);
    expect(new Set(receivedIds)).toEqual(new Set(ids));

    const rowsById = new Map(published.map((row) => [row.id, row]));
    for (const message of received) {
      const row = rowsById.get(message.headers.get("ce_id") ?? "");
      if (!row) throw new Error("received an event that was not inserted");
      expect(message.topic).toBe(row.topic);
      expect(message.key).toBe(row.tenantId);
      expect(Object.fromEntries(message.headers)).toEqual({
        ce_id: row.id,
        ce_type: cloudEventType(row.type as EventType),
        ce_source: EVENT_SOURCE,
        ce_time: row.occurredAt.toISOString(),
        ce_specversion: "1.0",
        ce_tenantid: row.tenantId,
        "content-type": "application/json",
      });
      expect(JSON.parse(message.value)).toEqual(row.data);
    }

    for (const tenantId of tenants) {
      for (const topic of [TOPICS.tenants, TOPICS.orders]) {
        const expected = inserted
          .filter((row) => row.tenantId === tenantId && row.topic === topic)
          .sort((a, b) => a.seq - b.seq)
          .map((row) => row.id);
        const messages = received
          .filter((message) => message.key === tenantId && message.topic === topic)
          .sort((a, b) => (a.offset < b.offset ? -1 : 1));
        expect(new Set(messages.map((message) => message.partition)).size).toBe(1);
        expect(messages.map((message) => message.headers.get("ce_id"))).toEqual(expected);
      }
    }
  }, 90_000);

  it("publishes a row whose transaction commits after a later row was already published", async () => {
    const tenantId = newId("tenant");
    const early = orderEvent(tenantId, 1);
    const late = orderEvent(tenantId, 2);

    const txA = await system.pool.connect();
    try {
      await txA.query("begin");
      const { rows } = await txA.query<{ seq: string }>(
        "insert into outbox (id, tenant_id, topic, type, data) values ($1, $2, $3, $4, $5) returning seq",
        [early.id, early.tenantId, early.topic, early.type, JSON.stringify(early.data)],
      );
      const earlySeq = Number(rows[0]?.seq);

      const [committed] = await system.db.insert(outbox).values(late).returning();
      expect(committed?.seq).toBeGreaterThan(earlySeq);

      await drainUntilPublished([late.id]);
      expect(await readRows([early.id]), "tx A is still open").toHaveLength(0);

      await txA.query("commit");
    } finally {
      txA.release();
    }

    const published = await drainUntilPublished([early.id, late.id]);
    const byId = new Map(published.map((row) => [row.id, row]));
    expect(byId.get(early.id)?.publishedAt?.getTime()).toBeGreaterThan(
      byId.get(late.id)?.publishedAt?.getTime() ?? 0,
    );

    const received = await readTopics([TOPICS.orders], (key) => key === tenantId);
    expect(received.map((message) => message.headers.get("ce_id")).sort()).toEqual(
      [early.id, late.id].sort(),
    );
  }, 90_000);

  it("does not mark rows whose send failed, and the loop survives the failures", async () => {
    const tenantId = newId("tenant");
    const row = orderEvent(tenantId, 1);
    await system.db.insert(outbox).values(row);

    const errors: unknown[] = [];
    const logger: Logger = { info: () => {}, warn: () => {}, error: (obj) => errors.push(obj) };
    // Port 1 refuses connections: every send fails fast.
    const deadProducer = createEventProducer({ brokers: ["127.0.0.1:1"], retries: 2, retryDelayMs: 20 });
    const unreachable = createRelay({
      db: system.db,
      producer: deadProducer,
      logger,
      pollIntervalMs: 20,
      maxBackoffMs: 100,
    });
    unreachable.start();
    try {
      const deadline = Date.now() + 20_000;
      while (errors.length < 2 && Date.now() < deadline) await delay(50);
    } finally {
      await unreachable.stop();
      await deadProducer.close();
    }
    expect(errors.length, "the loop logged repeated failures instead of dying").toBeGreaterThanOrEqual(2);
    expect(errors[0]).toMatchObject({ err: expect.any(Error) });

    // Not "published_at is still null": a relay of a concurrent test run may legitimately publish
    // the row meanwhile. Arriving exactly once is what fails if a failed send had marked it anyway.
    await drainUntilPublished([row.id]);
    const received = await readTopics([TOPICS.orders], (key) => key === tenantId);
    expect(received.map((message) => message.headers.get("ce_id"))).toEqual([row.id]);
  }, 90_000);

  it("leaves a row for an uncatalogued topic aside without blocking the rows behind it", async () => {
    const tenantId = newId("tenant");
    const stray: NewRow = { ...orderEvent(tenantId, 1), topic: `platforma.uncatalogued.${randomUUID()}` };
    const row = orderEvent(tenantId, 2);
    await system.db.insert(outbox).values([stray, row]);
    try {
      await drainUntilPublished([row.id]);
      const [strayRow] = await readRows([stray.id]);
      expect(strayRow?.publishedAt).toBeNull();

      const warnings: unknown[] = [];
      const logger: Logger = { info: () => {}, warn: (obj) => warnings.push(obj), error: () => {} };
      const watcher = createRelay({ db: system.db, producer, logger, pollIntervalMs: 20 });
      watcher.start();
      try {
        const deadline = Date.now() + 10_000;
        while (warnings.length === 0 && Date.now() < deadline) await delay(20);
      } finally {
        await watcher.stop();
      }
      expect(warnings[0]).toMatchObject({ stranded: expect.any(Number) });
    } finally {
      await system.db.delete(outbox).where(inArray(outbox.id, [stray.id]));
    }
  }, 60_000);
});
