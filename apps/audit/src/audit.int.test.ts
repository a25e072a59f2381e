import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { Producer, stringSerializers } from "@platformatic/kafka";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId, TOPICS } from "@platforma/contracts";
import { ensureTopics, silentLogger, toEventMessage, type EventConsumer } from "@platforma/events";
import { startGroupAtEnd } from "@platforma/events/testing";
import { createObjectStore } from "@platforma/storage";
import { runAudit } from "./run-audit.ts";

const brokers = (process.env["KAFKA_BROKERS"] ?? "").split(",");
let root: string;
let audit: EventConsumer;
const warnings: object[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "audit-int-"));
  await ensureTopics(brokers);
  const groupId = `audit-test-${globalThis.crypto.randomUUID()}`;
  // Only what is produced from here on: the shared broker holds every other test run's events.
  await startGroupAtEnd(brokers, groupId, Object.values(TOPICS));
  audit = runAudit({
    brokers,
    groupId,
    store: await createObjectStore({ driver: "filesystem", dir: root }),
    logger: { ...silentLogger, warn: (obj) => warnings.push(obj) },
  });
}, 60_000);

afterAll(async () => {
  await audit?.close();
  await rm(root, { recursive: true, force: true });
});

describe("audit consumer", () => {
  it("writes each tenant's events under tenants/<tenant_id>/audit/<day>/<event id>.json", async () => {
    const tenantId = newId("tenant");
    const occurredAt = new Date("2026-02-03T10:00:00.000Z");
    const message = (n: number) =>
      toEventMessage({
        id: newId("event"),
        tenantId,
        topic: TOPICS.orders,
        type: "order.completed.v1",
        data: { orderId: `ord_${n}`, workflowId: `order/ord_${n}`, kind: "cluster" },
        occurredAt,
      });
    const events = [message(1), message(2), message(3)];
    const invalid = { ...message(4), value: "{" };
    const producer = new Producer({
      clientId: "audit-test",
      bootstrapBrokers: brokers,
      serializers: stringSerializers,
    });
    try {
      await producer.send({ messages: [events[0]!, invalid, events[1]!, events[0]!, events[2]!] });
    } finally {
      await producer.close();
    }
    const dir = join(root, "tenants", tenantId, "audit", "2026-02-03");
    const ids = events.map((m) => (m.headers as Record<string, string>)["ce_id"]);
    const deadline = Date.now() + 30_000;
    let files: string[] = [];
    while (Date.now() < deadline) {
      files = await readdir(dir).catch(() => []);
      if (files.length >= 3) break;
      await delay(100);
    }
    expect(files.sort()).toEqual(ids.map((id) => `${id}.json`).sort());
    const record = JSON.parse(await readFile(join(dir, `${ids[1]}.json`), "utf8")) as Record<string, unknown>;
    expect(record).toMatchObject({
      id: ids[1],
      tenantid: tenantId,
      type: "dev.platforma.order.completed.v1",
    });
    expect(warnings.some((w) => "reason" in w && w.reason === "invalid_json")).toBe(true);
  }, 60_000);
});
