import { performance } from "node:perf_hooks";
import { EVENT_CATALOGUE, newId, type TenantId } from "@platforma/contracts";
import { outbox, type SystemDb } from "@platforma/db";
import { createEventProducer, createRelay, toEventMessage } from "@platforma/events";

export interface ThroughputResult {
  events: number;
  relayPerSec: number;
  rawPerSec: number;
}

async function fillOutbox(db: SystemDb, events: number, tenants: TenantId[]): Promise<void> {
  const type = "order.placed.v1";
  for (let start = 0; start < events; start += 1000) {
    const rows = [];
    for (let n = start; n < Math.min(events, start + 1000); n++) {
      const orderId = newId("order");
      rows.push({
        id: newId("event"),
        tenantId: tenants[n % tenants.length] as TenantId,
        topic: EVENT_CATALOGUE[type].topic,
        type,
        data: {
          orderId,
          workflowId: `order/${orderId}`,
          kind: "cluster",
          request: { n, region: "eu-central-1" },
        },
      });
    }
    await db.insert(outbox).values(rows);
  }
}

/**
 * The same events, twice: published by the relay from the outbox (select, send with acks from all
 * in-sync replicas, mark published, per batch), then sent by a bare idempotent producer in batches
 * of the same size. The difference is what the outbox costs over producing directly.
 */
export async function measureThroughput(opts: {
  db: SystemDb;
  brokers: string[];
  events: number;
  tenants: TenantId[];
  batch: number;
}): Promise<ThroughputResult> {
  const { db, brokers, events, tenants, batch } = opts;
  await db.delete(outbox);
  await fillOutbox(db, events, tenants);
  const rows = await db.select().from(outbox).orderBy(outbox.seq);

  const relayProducer = createEventProducer({ brokers, clientId: "bench-relay" });
  const relay = createRelay({ db, producer: relayProducer, batchSize: batch, partitionsPerBatch: 16 });
  let relayMs: number;
  try {
    const started = performance.now();
    let published = 0;
    while (published < events) published += await relay.drainOnce();
    relayMs = performance.now() - started;
  } finally {
    await relayProducer.close();
  }

  const rawProducer = createEventProducer({ brokers, clientId: "bench-raw" });
  let rawMs: number;
  try {
    const started = performance.now();
    for (let i = 0; i < rows.length; i += batch) {
      await rawProducer.send({ messages: rows.slice(i, i + batch).map(toEventMessage) });
    }
    rawMs = performance.now() - started;
  } finally {
    await rawProducer.close();
  }
  return { events, relayPerSec: events / (relayMs / 1000), rawPerSec: events / (rawMs / 1000) };
}
