import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { setTimeout as delay } from "node:timers/promises";
import { Producer, stringSerializers } from "@platformatic/kafka";
import { count, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId, TOPICS, type EventType, type TenantId } from "@platforma/contracts";
import { outbox, runMigrations, type SystemDb } from "@platforma/db";
import { createEventConsumer } from "./event-consumer.ts";
import type { InvalidEventError } from "./invalid-event-error.ts";
import type { Logger } from "./logger.ts";
import { appendEvent } from "./outbox-writer.ts";
import type { ConsumedEvent } from "./parse-event-message.ts";
import { createEventProducer, toEventMessage, type EventMessage } from "./producer.ts";
import { createRelay, type Relay } from "./relay.ts";
import {
  createIsolatedOutbox,
  readTopicsToEnd,
  startKafkaBroker,
  type IsolatedOutbox,
  type KafkaBroker,
  type TopicMessage,
} from "./testing/index.ts";
import { ensureTopics } from "./topics.ts";

/*
 * Delivery guarantees end to end, on a broker this file starts (and stops) itself and an outbox
 * table of its own: the shared broker and outbox of other test runs are never touched.
 */

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required for integration tests`);
  return value;
}

let broker: KafkaBroker;
let isolated: IsolatedOutbox;
let db: SystemDb;

beforeAll(async () => {
  await runMigrations(requireEnv("DATABASE_OWNER_URL"));
  [broker, isolated] = await Promise.all([
    startKafkaBroker(),
    createIsolatedOutbox({
      ownerUrl: requireEnv("DATABASE_OWNER_URL"),
      systemUrl: requireEnv("DATABASE_SYSTEM_URL"),
      max: 12,
    }),
  ]);
  db = isolated.system.db;
  await ensureTopics(broker.brokers);
}, 180_000);

afterAll(async () => {
  await Promise.allSettled([broker?.destroy(), isolated?.drop()]);
});

const tenants = (n: number) => Array.from({ length: n }, () => newId("tenant"));

/** One committed transaction appending `n` order events of `tenantId`; resolves to their ids. */
async function commitEvents(
  tenantId: TenantId,
  n: number,
  type: EventType = "order.placed.v1",
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const orderId = newId("order");
      const event =
        type === "order.completed.v1"
          ? await appendEvent(tx, tenantId, type, {
              orderId,
              workflowId: `order/${orderId}`,
              kind: "cluster",
            })
          : await appendEvent(tx, tenantId, "order.placed.v1", {
              orderId,
              workflowId: `order/${orderId}`,
              kind: "cluster",
              request: { i },
            });
      ids.push(event.id);
    }
    return ids;
  });
}

/** The outbox ids of each tenant, in seq order: the order the tenant's events must arrive in. */
async function expectedOrder(): Promise<Map<string, string[]>> {
  const rows = await db.select({ id: outbox.id, tenantId: outbox.tenantId }).from(outbox).orderBy(outbox.seq);
  const byTenant = new Map<string, string[]>();
  for (const row of rows) byTenant.set(row.tenantId, [...(byTenant.get(row.tenantId) ?? []), row.id]);
  return byTenant;
}

async function unpublished(): Promise<number> {
  const [row] = await db.select({ n: count() }).from(outbox).where(isNull(outbox.publishedAt));
  return row?.n ?? 0;
}

async function untilAllPublished(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await unpublished()) > 0) {
    if (Date.now() > deadline) throw new Error("outbox not drained in time");
    await delay(50);
  }
}

/**
 * Every event arrives, duplicates are only repeats of an id already delivered, and each tenant's
 * events, with duplicates dropped, come in the tenant's seq order. Returns the duplicated ids.
 */
function expectDelivered(all: TopicMessage[], expected: Map<string, string[]>): string[] {
  const messages = all.filter((message) => expected.has(message.key));
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const arrived = new Map<string, string[]>();
  for (const message of messages) {
    const id = message.headers.get("ce_id") ?? "";
    if (seen.has(id)) {
      duplicates.push(id);
      continue;
    }
    seen.add(id);
    arrived.set(message.key, [...(arrived.get(message.key) ?? []), id]);
  }
  const allExpected = [...expected.values()].flat();
  expect(seen.size, "every event arrived, and no other").toBe(allExpected.length);
  expect(new Set(allExpected)).toEqual(seen);
  for (const [tenantId, ids] of expected) expect(arrived.get(tenantId), `order of ${tenantId}`).toEqual(ids);
  return duplicates;
}

async function resetOutbox(): Promise<void> {
  await db.delete(outbox);
}

describe("outbox relay on a dedicated broker", () => {
  let relay: Relay | undefined;

  async function startRelay(extra: { batchSize?: number } = {}): Promise<{ errors: unknown[] }> {
    const errors: unknown[] = [];
    const logger: Logger = { info: () => {}, warn: () => {}, error: (obj) => errors.push(obj) };
    relay = createRelay({
      db,
      // Few, quick attempts per batch: while the broker is down the relay rolls back and backs off.
      producer: createEventProducer({
        brokers: broker.brokers,
        retries: 2,
        retryDelayMs: 100,
        connectTimeoutMs: 1000,
      }),
      logger,
      pollIntervalMs: 20,
      maxBackoffMs: 500,
      ...extra,
    });
    relay.start();
    return { errors };
  }

  async function stopRelay(): Promise<void> {
    await relay?.stop();
    relay = undefined;
  }

  it("loses nothing while the broker is down, and delivers in per-tenant order once it is back", async () => {
    await resetOutbox();
    const topics = [TOPICS.orders];
    await broker.stop();
    const { errors } = await startRelay({ batchSize: 7 });
    try {
      const group = tenants(5);
      for (let round = 0; round < 6; round++) {
        await Promise.all(group.map((tenantId, i) => commitEvents(tenantId, 1 + ((round + i) % 3))));
      }
      const deadline = Date.now() + 30_000;
      while (errors.length < 2 && Date.now() < deadline) await delay(50);
      expect(errors.length, "the relay kept trying while the broker was down").toBeGreaterThanOrEqual(2);
      expect(await unpublished(), "nothing is marked published while the broker is down").toBeGreaterThan(0);
      const [marked] = await db
        .select({ n: count() })
        .from(outbox)
        .where(sql`${outbox.publishedAt} is not null`);
      expect(marked?.n).toBe(0);

      await broker.start();
      await untilAllPublished();
    } finally {
      await stopRelay();
    }
    const after = await readTopicsToEnd(broker.brokers, topics);
    expectDelivered(after, await expectedOrder());
  }, 180_000);

  it("loses nothing when the relay is killed between the broker's acks and its commit", async () => {
    await resetOutbox();
    const topics = [TOPICS.orders];
    const group = tenants(4);
    for (let round = 0; round < 10; round++) {
      for (const tenantId of group) await commitEvents(tenantId, 1 + (round % 2));
    }

    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL("./testing/relay-that-crashes.ts", import.meta.url))],
      {
        env: {
          ...process.env,
          DATABASE_SYSTEM_URL: isolated.systemUrl,
          KAFKA_BROKERS: broker.brokers.join(","),
          CRASH_AFTER_BATCHES: "3",
          RELAY_BATCH_SIZE: "8",
        },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.once("exit", (_code, sig) => resolve(sig)),
    );
    expect(signal, `the relay died mid-batch (stderr: ${stderr})`).toBe("SIGKILL");

    const inKafka = await readTopicsToEnd(broker.brokers, topics);
    const sentIds = new Set(inKafka.map((m) => m.headers.get("ce_id")));
    const unmarked = await db.select({ id: outbox.id }).from(outbox).where(isNull(outbox.publishedAt));
    const sentButUnmarked = unmarked.filter((row) => sentIds.has(row.id));
    expect(sentButUnmarked.length, "the killed batch reached Kafka but was not marked").toBeGreaterThan(0);

    await startRelay({ batchSize: 8 });
    try {
      await untilAllPublished();
    } finally {
      await stopRelay();
    }
    const after = await readTopicsToEnd(broker.brokers, topics);
    const duplicates = expectDelivered(after, await expectedOrder());
    const killedBatch = new Set(sentButUnmarked.map((row) => row.id));
    expect(duplicates.length).toBeGreaterThan(0);
    for (const id of duplicates)
      expect(killedBatch.has(id), `${id} is a redelivery of the killed batch`).toBe(true);
  }, 120_000);

  it("skips nothing and keeps per-tenant order when many transactions commit out of seq order", async () => {
    await resetOutbox();
    const topics = [TOPICS.orders];
    await startRelay({ batchSize: 5 });
    const group = tenants(3);
    const commitOrder: string[] = [];
    try {
      // Each transaction draws its seq, then holds the transaction open a random while: later seqs of
      // other tenants commit (and are published) first. Same-tenant transactions queue on the
      // tenant's append lock.
      let next = 0;
      const worker = async () => {
        while (next < 120) {
          const n = next++;
          const tenantId = group[n % group.length] as TenantId;
          const ids = await db.transaction(async (tx) => {
            const orderId = newId("order");
            const event = await appendEvent(tx, tenantId, "order.placed.v1", {
              orderId,
              workflowId: `order/${orderId}`,
              kind: "cluster",
              request: { n },
            });
            await delay(Math.floor(Math.random() * 40));
            return [event.id];
          });
          commitOrder.push(...ids);
        }
      };
      await Promise.all(Array.from({ length: 10 }, worker));
      await untilAllPublished();
    } finally {
      await stopRelay();
    }

    const rows = await db.select({ id: outbox.id, seq: outbox.seq }).from(outbox);
    const seqOf = new Map(rows.map((row) => [row.id, row.seq]));
    let inversions = 0;
    for (let i = 1; i < commitOrder.length; i++) {
      if ((seqOf.get(commitOrder[i] ?? "") ?? 0) < (seqOf.get(commitOrder[i - 1] ?? "") ?? 0)) inversions++;
    }
    expect(inversions, "transactions really committed out of seq order").toBeGreaterThan(0);

    const after = await readTopicsToEnd(broker.brokers, topics);
    expectDelivered(after, await expectedOrder());
  }, 120_000);

  it("makes a tenant's second transaction wait for its first, so publication order is seq order", async () => {
    await resetOutbox();
    const [tenantId, other] = tenants(2) as [TenantId, TenantId];
    const producer = createEventProducer({ brokers: broker.brokers });
    const drainer = createRelay({ db, producer, batchSize: 50 });
    let secondDone = false;
    let firstId = "";
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    const firstAppended = new Promise<void>((resolve) => (appended = resolve));
    const first = db.transaction(async (tx) => {
      const event = await appendEvent(tx, tenantId, "order.completed.v1", {
        orderId: "ord_first",
        workflowId: "order/ord_first",
        kind: "cluster",
      });
      firstId = event.id;
      appended();
      await gate;
    });
    await firstAppended;
    const second = commitEvents(tenantId, 1).then((ids) => {
      secondDone = true;
      return ids;
    });
    try {
      const otherIds = await commitEvents(other, 1);
      await delay(300);
      expect(secondDone, "the second transaction of the tenant waits for the first").toBe(false);
      // Other tenants are not held up. (A loop, not one drain: a batch claims only some partitions.)
      const deadline = Date.now() + 20_000;
      let otherPublished = false;
      while (!otherPublished && Date.now() < deadline) {
        await drainer.drainOnce();
        const [otherRow] = await db
          .select()
          .from(outbox)
          .where(sql`${outbox.id} = ${otherIds[0] ?? ""}`);
        otherPublished = otherRow?.publishedAt instanceof Date;
      }
      expect(otherPublished, "other tenants are not held up").toBe(true);
      expect(secondDone, "the second transaction still waits").toBe(false);
    } finally {
      release();
      await first;
    }
    const secondIds = await second;
    while ((await unpublished()) > 0) await drainer.drainOnce();
    await producer.close();
    const received = await readTopicsToEnd(broker.brokers, [TOPICS.orders]);
    const ids = received.filter((m) => m.key === tenantId).map((m) => m.headers.get("ce_id"));
    expect(ids).toEqual([firstId, ...secondIds]);
  }, 60_000);

  it("stops when asked even if its batches were in flight", async () => {
    await resetOutbox();
    const producer = createEventProducer({ brokers: broker.brokers });
    const blocker = await isolated.system.pool.connect();
    try {
      // Every loop's next query waits on this lock, so stop() arrives while they are all mid-batch.
      await blocker.query("begin");
      await blocker.query("lock table outbox in access exclusive mode");
      const stopping = createRelay({ db, producer, concurrency: 3, pollIntervalMs: 20 });
      stopping.start();
      await delay(300);
      const stopped = stopping.stop();
      await blocker.query("commit");
      await stopped;
    } finally {
      blocker.release();
      await producer.close();
    }
  }, 30_000);

  it("keeps a batch within its byte limit: the oldest row goes, the rest stays unpublished for the next batch", async () => {
    await resetOutbox();
    const [tenantId] = tenants(1);
    if (!tenantId) throw new Error("no tenant");
    await commitEvents(tenantId, 3);
    const producer = createEventProducer({ brokers: broker.brokers });
    // Any two messages are over one byte: every batch is its oldest row alone.
    const small = createRelay({ db, producer, maxBatchBytes: 1 });
    try {
      expect(await small.drainOnce()).toBe(1);
      expect(await unpublished(), "the rows cut from the batch are left unpublished").toBe(2);
      while ((await unpublished()) > 0) expect(await small.drainOnce()).toBe(1);
    } finally {
      await producer.close();
    }
    const after = await readTopicsToEnd(broker.brokers, [TOPICS.orders]);
    expect(expectDelivered(after, await expectedOrder())).toEqual([]);
  }, 60_000);

  it("lets several relays share the outbox while each tenant's events stay in order", async () => {
    await resetOutbox();
    const topics = [TOPICS.orders];
    const group = tenants(16);
    for (let round = 0; round < 8; round++) {
      await Promise.all(group.map((tenantId) => commitEvents(tenantId, 2)));
    }
    const producers = [0, 1, 2].map(() => createEventProducer({ brokers: broker.brokers }));
    const relays = producers.map((producer) =>
      createRelay({ db, producer, batchSize: 10, partitionsPerBatch: 2 }),
    );
    const published = relays.map(() => 0);
    try {
      while ((await unpublished()) > 0) {
        const counts = await Promise.all(relays.map((r) => r.drainOnce()));
        counts.forEach((n, i) => (published[i] = (published[i] ?? 0) + n));
      }
    } finally {
      await Promise.all(producers.map((p) => p.close()));
    }
    expect(published.filter((n) => n > 0).length, `work shared: ${published.join(", ")}`).toBeGreaterThan(1);
    const after = await readTopicsToEnd(broker.brokers, topics);
    const duplicates = expectDelivered(after, await expectedOrder());
    expect(duplicates).toEqual([]);
  }, 120_000);
});

const idOf = (message: EventMessage) => (message.headers as Record<string, string>)["ce_id"];

describe("typed event consumer", () => {
  const raw = () =>
    new Producer({
      clientId: "consumer-test",
      bootstrapBrokers: broker.brokers,
      serializers: stringSerializers,
      idempotent: true,
      acks: -1,
    });

  function validMessage(tenantId: TenantId, n: number) {
    const orderId = newId("order");
    return toEventMessage({
      id: newId("event"),
      tenantId,
      topic: TOPICS.orders,
      type: "order.placed.v1",
      data: { orderId, workflowId: `order/${orderId}`, kind: "cluster", request: { n } },
      occurredAt: new Date(),
    });
  }

  it("rejects malformed and unknown events with a clear error without stopping the stream, and drops duplicates", async () => {
    const tenantId = newId("tenant");
    const first = validMessage(tenantId, 1);
    const last = validMessage(tenantId, 2);
    const headers = first.headers as Record<string, string>;
    const unknownType = { ...validMessage(tenantId, 3) };
    unknownType.headers = {
      ...(unknownType.headers as Record<string, string>),
      ce_type: "dev.platforma.nope.v1",
    };
    const notJson = { ...validMessage(tenantId, 4), value: "{not json" };
    const wrongData = { ...validMessage(tenantId, 5), value: JSON.stringify({ orderId: 42 }) };
    const wrongKey = { ...validMessage(tenantId, 6), key: newId("tenant") };
    const noId = { ...validMessage(tenantId, 7) };
    noId.headers = { ...(noId.headers as Record<string, string>), ce_id: "" };
    const duplicate = { ...first, headers: { ...headers } };

    const producer = raw();
    try {
      await producer.send({
        messages: [first, unknownType, notJson, wrongData, wrongKey, noId, duplicate, last],
      });
    } finally {
      await producer.close();
    }

    const handled: ConsumedEvent[] = [];
    const invalid: InvalidEventError[] = [];
    const consumer = createEventConsumer({
      brokers: broker.brokers,
      groupId: `consumer-test-${globalThis.crypto.randomUUID()}`,
      topics: [TOPICS.orders],
      handler: (event) => {
        if (event.tenantId === tenantId) handled.push(event);
      },
      onInvalid: (error) => {
        if (error.at.topic === TOPICS.orders) invalid.push(error);
      },
    });
    try {
      const deadline = Date.now() + 60_000;
      while (!handled.some((e) => e.id === idOf(last)) && Date.now() < deadline) {
        await delay(50);
      }
    } finally {
      await consumer.close();
    }

    expect(handled.map((e) => e.id)).toEqual([idOf(first), idOf(last)]);
    const [event] = handled;
    expect(event?.type).toBe("order.placed.v1");
    if (event?.type === "order.placed.v1") expect(event.data.request).toEqual({ n: 1 });
    expect(consumer.stats.duplicates).toBeGreaterThanOrEqual(1);

    const mine = invalid.filter((e) => e.message.includes(tenantId) || e.eventId !== undefined);
    expect(invalid.map((e) => e.reason)).toEqual(
      expect.arrayContaining([
        "unknown_type",
        "invalid_json",
        "invalid_data",
        "key_mismatch",
        "missing_attribute",
      ]),
    );
    expect(mine.length).toBeGreaterThanOrEqual(5);
    const unknown = invalid.find((e) => e.reason === "unknown_type");
    expect(unknown?.message).toMatch(
      /platforma\.orders\.v1\[\d+\]@\d+: unknown event type "dev\.platforma\.nope\.v1"/,
    );
    expect(invalid.find((e) => e.reason === "invalid_data")?.message).toMatch(/does not match the catalogue/);
  }, 90_000);

  it("commits an offset only after its handler succeeded, retrying a failing handler in order", async () => {
    const tenantId = newId("tenant");
    const messages = [1, 2, 3].map((n) => validMessage(tenantId, n));
    const ids = messages.map(idOf);
    const producer = raw();
    try {
      await producer.send({ messages });
    } finally {
      await producer.close();
    }
    const groupId = `consumer-test-${globalThis.crypto.randomUUID()}`;

    // First member: the second event fails twice then succeeds; the third keeps failing until close.
    const seen: string[] = [];
    let failuresOfSecond = 0;
    const first = createEventConsumer({
      brokers: broker.brokers,
      groupId,
      topics: [TOPICS.orders],
      retryDelayMs: 20,
      onError: () => {},
      handler: (event) => {
        if (event.tenantId !== tenantId) return;
        seen.push(event.id);
        if (event.id === ids[1] && failuresOfSecond++ < 2) throw new Error("transient");
        if (event.id === ids[2]) throw new Error("down");
      },
    });
    const deadline = Date.now() + 60_000;
    while (seen.filter((id) => id === ids[2]).length < 2 && Date.now() < deadline) await delay(20);
    await first.close();
    expect(seen.slice(0, 4)).toEqual([ids[0], ids[1], ids[1], ids[1]]);
    expect(seen.slice(4).every((id) => id === ids[2])).toBe(true);

    // Second member of the same group: only the event whose handler never succeeded comes again.
    const again: string[] = [];
    const second = createEventConsumer({
      brokers: broker.brokers,
      groupId,
      topics: [TOPICS.orders],
      handler: (event) => {
        if (event.tenantId === tenantId) again.push(event.id);
      },
    });
    try {
      const until = Date.now() + 60_000;
      while (again.length === 0 && Date.now() < until) await delay(20);
      await delay(300);
    } finally {
      await second.close();
    }
    expect(again).toEqual([ids[2]]);
  }, 120_000);
});
