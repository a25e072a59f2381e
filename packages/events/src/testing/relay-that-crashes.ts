/**
 * A relay process that dies (SIGKILL, no cleanup) right after the broker acknowledged its
 * CRASH_AFTER_BATCHES-th batch and before that batch's transaction commits: the worst moment, when
 * the events are in Kafka but the outbox still says unpublished. Used by the delivery tests.
 * Env: DATABASE_SYSTEM_URL, KAFKA_BROKERS, CRASH_AFTER_BATCHES, RELAY_BATCH_SIZE.
 */
import { createSystemDb } from "@platforma/db";
import { createEventProducer } from "../producer.ts";
import { createRelay } from "../relay.ts";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const crashAfter = Number(env("CRASH_AFTER_BATCHES"));
const system = createSystemDb({ url: env("DATABASE_SYSTEM_URL"), max: 2 });
const producer = createEventProducer({
  brokers: env("KAFKA_BROKERS").split(","),
  clientId: "relay-that-crashes",
});
let batches = 0;
const crashing = {
  async send(options: Parameters<typeof producer.send>[0]) {
    const result = await producer.send(options);
    batches += 1;
    if (batches >= crashAfter) process.kill(process.pid, "SIGKILL");
    return result;
  },
  close: () => producer.close(),
};
const relay = createRelay({
  db: system.db,
  producer: crashing,
  batchSize: Number(env("RELAY_BATCH_SIZE")),
  pollIntervalMs: 20,
});
relay.start();
