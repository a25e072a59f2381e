import { setTimeout as delay } from "node:timers/promises";
import { and, asc, count, inArray, isNotNull, isNull } from "drizzle-orm";
import { Admin, Consumer, stringDeserializers } from "@platformatic/kafka";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId, TOPICS, type TenantId } from "@platforma/contracts";
import { outbox } from "@platforma/db";
import {
  appendEvent,
  createEventConsumer,
  createRelay,
  ensureTopics,
  type EventConsumer,
  type Relay,
} from "@platforma/events";
import {
  createIsolatedOutbox,
  startKafkaCluster,
  type IsolatedOutbox,
  readTopicsToEnd,
  type KafkaCluster,
  type TopicMessage,
} from "@platforma/events/testing";
import { eventually } from "../eventually.ts";
import { testEnv } from "../env.ts";
import { report } from "./report.ts";

/*
 * The outbox relay on a three-node KRaft cluster (replication factor 3, min.insync.replicas 2, the
 * relay's idempotent acks=all producer): one node is killed while events are being committed, and
 * every committed event still reaches a consumer, in per-tenant order, once each after dedupe.
 * The outbox is a table of its own (the shared database's other relays publish elsewhere).
 */

const TENANTS = 4;
const WRITERS = 2;

describe("a Kafka broker killed under event load", () => {
  let cluster: KafkaCluster;
  let isolated: IsolatedOutbox;
  let relay: Relay | undefined;
  let consumer: Consumer<string, string, string, string> | undefined;
  let eventConsumer: EventConsumer | undefined;
  const relayErrors: string[] = [];
  let writing = true;
  let writers: Promise<void>[] = [];

  beforeAll(async () => {
    [cluster, isolated] = await Promise.all([
      startKafkaCluster({ size: 3, replicationFactor: 3, minInsyncReplicas: 2 }),
      createIsolatedOutbox({
        ownerUrl: testEnv.ownerDatabaseUrl,
        systemUrl: testEnv.systemDatabaseUrl,
        max: 8,
      }),
    ]);
    await ensureTopics(cluster.brokers, { replicationFactor: 3, minInsyncReplicas: 2 });
  }, 180_000);

  afterAll(async () => {
    writing = false;
    await Promise.allSettled(writers);
    await relay?.stop().catch(() => undefined);
    await consumer?.close(true).catch(() => undefined);
    await eventConsumer?.close().catch(() => undefined);
    await isolated?.drop();
    await cluster?.destroy();
  }, 120_000);

  it(
    "delivers every committed event, per tenant in commit order, none lost, duplicates only of the same event id",
    { timeout: 300_000 },
    async () => {
      const topics = [TOPICS.orders];
      const admin = new Admin({ clientId: "platforma-test", bootstrapBrokers: cluster.brokers });
      try {
        const metadata = await admin.metadata({ topics });
        const partitions = metadata.topics.get(TOPICS.orders)?.partitions ?? [];
        expect(partitions.length).toBeGreaterThan(0);
        expect(partitions.every((p) => p.replicas.length === 3)).toBe(true);
        const configs = await admin.describeConfigs({
          resources: [
            { resourceType: 2, resourceName: TOPICS.orders, configurationKeys: ["min.insync.replicas"] },
          ],
        });
        expect(configs[0]?.configs.find((c) => c.name === "min.insync.replicas")?.value).toBe("2");
      } finally {
        await admin.close();
      }

      // A consumer from the start: the consumer-offsets topic exists (with 3 replicas) before a node
      // dies, and the first deliveries show the load flows.
      consumer = new Consumer({
        groupId: `cluster-test-${globalThis.crypto.randomUUID()}`,
        clientId: "platforma-test",
        bootstrapBrokers: cluster.brokers,
        deserializers: stringDeserializers,
        autocommit: false,
        maxWaitTime: 200,
      });
      const stream = await consumer.consume({
        topics,
        mode: "earliest",
        autocommit: false,
        maxWaitTime: 200,
      });
      const live: TopicMessage[] = [];
      const liveErrors: string[] = [];
      stream.on("data", (message: TopicMessage) => live.push(message));
      stream.on("error", (err: unknown) => liveErrors.push(errorName(err)));

      // The project's typed consumer, through the kill: it restarts its stream after a broker
      // error and drops redeliveries by event id, so its handler should see each event once.
      const handled: { id: string; tenantId: string; at: number }[] = [];
      const consumerErrors: string[] = [];
      eventConsumer = createEventConsumer({
        brokers: cluster.brokers,
        groupId: `cluster-typed-${globalThis.crypto.randomUUID()}`,
        topics,
        retryDelayMs: 100,
        maxRetryDelayMs: 1000,
        handler: (event) => void handled.push({ id: event.id, tenantId: event.tenantId, at: Date.now() }),
        onError: (err) => consumerErrors.push(errorName(err)),
      });

      relay = createRelay({
        db: isolated.system.db,
        brokers: cluster.brokers,
        pollIntervalMs: 50,
        concurrency: 2,
        logger: {
          info: () => {},
          warn: () => {},
          error: (obj) => relayErrors.push(errorName((obj as { err?: unknown }).err)),
        },
      });
      relay.start();

      // Writers commit events continuously through the outbox writer, one event per transaction.
      const tenants = Array.from({ length: TENANTS }, () => newId("tenant") as TenantId);
      const committed: { id: string; tenantId: TenantId; at: number }[] = [];
      writers = Array.from({ length: WRITERS }, async (_, w) => {
        for (let n = 0; writing; n++) {
          const tenantId = tenants[(n + w) % TENANTS] as TenantId;
          const orderId = newId("order");
          const { id } = await isolated.system.db.transaction((tx) =>
            appendEvent(tx, tenantId, "order.placed.v1", {
              orderId,
              workflowId: `order/${orderId}`,
              kind: "cluster",
              request: { writer: w, n },
            }),
          );
          committed.push({ id, tenantId, at: Date.now() });
          await delay(20);
        }
      });

      await eventually(async () => expect(live.length).toBeGreaterThanOrEqual(100), { timeoutMs: 60_000 });
      // The victim leads the partition of a tenant under load: its writes must move to a survivor.
      const victimPartition = live.find((m) => m.key === tenants[0])?.partition;
      const leaderAdmin = new Admin({ clientId: "platforma-test", bootstrapBrokers: cluster.brokers });
      const leader = await leaderAdmin
        .metadata({ topics, forceUpdate: true })
        .then((m) => m.topics.get(TOPICS.orders)?.partitions[victimPartition ?? 0]?.leader)
        .finally(() => leaderAdmin.close());
      const victim = cluster.nodes.find((node) => node.nodeId === leader);
      if (!victim) throw new Error(`no node leads partition ${victimPartition}`);
      const killedAt = Date.now();
      const committedBeforeKill = committed.length;
      await victim.kill();

      // Publishing resumes with one node gone: an event committed after the kill is acknowledged
      // by the in-sync replicas and marked published.
      const recoveredAt = await eventually(
        async () => {
          const postKill = committed.filter((c) => c.at > killedAt).map((c) => c.id);
          const [row] = await isolated.system.db
            .select({ n: count() })
            .from(outbox)
            .where(
              and(inArray(outbox.id, postKill.length > 0 ? postKill : [""]), isNotNull(outbox.publishedAt)),
            );
          if (!row || row.n === 0)
            throw new Error(
              `no event committed after the kill is published yet (relay published ${relay?.stats.published}, ` +
                `relay errors ${JSON.stringify(tally(relayErrors))})`,
            );
          return Date.now();
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      // More load on the two survivors, then the writers stop and the outbox drains.
      const target = committed.length + 100;
      await eventually(async () => expect(committed.length).toBeGreaterThanOrEqual(target), {
        timeoutMs: 60_000,
      });
      writing = false;
      await Promise.all(writers);
      await eventually(
        async () => {
          const [row] = await isolated.system.db
            .select({ n: count() })
            .from(outbox)
            .where(isNull(outbox.publishedAt));
          expect(row?.n).toBe(0);
        },
        { timeoutMs: 120_000, intervalMs: 200 },
      );

      // The typed consumer handled every committed event exactly once, per tenant in commit order.
      await eventually(async () => expect(handled.length).toBeGreaterThanOrEqual(committed.length), {
        timeoutMs: 120_000,
        intervalMs: 200,
      });
      expect(handled.length).toBe(committed.length);
      const handledAfterKill = handled.find((h) => committed.some((c) => c.id === h.id && c.at > killedAt));

      // A consumer that joins now, with one node still down, reads the topic to its end.
      const received = (await readTopicsToEnd(cluster.brokers, topics)).filter((m) =>
        tenants.includes(m.key as TenantId),
      );
      const ids = received.map((m) => m.headers.get("ce_id") ?? "");
      const delivered = new Set(ids);
      const committedIds = new Set(committed.map((c) => c.id));
      expect(committed.filter((c) => !delivered.has(c.id)).map((c) => c.id)).toEqual([]);
      // Nothing arrived that was not committed: a duplicate is always a redelivery of a committed id.
      expect(ids.filter((id) => !committedIds.has(id))).toEqual([]);
      // Per tenant, first arrivals in partition order are the commit order (the outbox's seq order).
      const rows = await isolated.system.db
        .select({ id: outbox.id, tenantId: outbox.tenantId })
        .from(outbox)
        .orderBy(asc(outbox.seq));
      expect(rows.length).toBe(committed.length);
      for (const tenantId of tenants) {
        const messages = received.filter((m) => m.key === tenantId);
        expect(new Set(messages.map((m) => m.partition)).size).toBe(1);
        const firstArrivals = [...new Set(messages.map((m) => m.headers.get("ce_id")))];
        const inCommitOrder = rows.filter((r) => r.tenantId === tenantId).map((r) => r.id);
        expect(firstArrivals).toEqual(inCommitOrder);
        expect(handled.filter((h) => h.tenantId === tenantId).map((h) => h.id)).toEqual(inCommitOrder);
      }

      report("Kafka: one of three brokers killed under load", {
        "events committed": committed.length,
        "committed before the kill": committedBeforeKill,
        "killed node (leader of a loaded partition)": victim.nodeId,
        "events delivered (after dedupe)": delivered.size,
        "messages read (with redeliveries)": received.length,
        "redeliveries absorbed by dedupe": received.length - delivered.size,
        "kill to first post-kill event acknowledged (ms)": recoveredAt - killedAt,
        "relay batch failures by error": tally(relayErrors),
        "kill to first post-kill event handled by the typed consumer (ms)": handledAfterKill
          ? handledAfterKill.at - killedAt
          : "none",
        "typed consumer: handled / redeliveries dropped": `${eventConsumer.stats.handled} / ${eventConsumer.stats.duplicates}`,
        "typed consumer: stream errors by type (each followed by a restart)": tally(consumerErrors),
        "a bare consumer without restart got, then stopped at": `${live.length} messages, ${JSON.stringify(tally(liveErrors))}`,
      });
    },
  );
});

function errorName(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? `${err.name} ${code}` : err.name;
}

function tally(names: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of names) out[name] = (out[name] ?? 0) + 1;
  return out;
}
