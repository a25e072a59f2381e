import { describe, expect, it } from "vitest";
import { newId, TOPICS } from "@platforma/contracts";
import type { ConsumedEvent } from "@platforma/events";
import { auditKey, auditRecord } from "./audit-record.ts";

const event: ConsumedEvent = {
  id: newId("event"),
  type: "cluster.ready.v1",
  ceType: "dev.platforma.cluster.ready.v1",
  source: "urn:platforma:control-plane",
  time: new Date("2026-03-04T23:59:59.999Z"),
  tenantId: newId("tenant"),
  topic: TOPICS.infrastructure,
  partition: 1,
  offset: 7n,
  data: { clusterId: "cls_1", orderId: "ord_1", region: "eu-central-1" },
};

describe("audit trail", () => {
  it("keys each event by its UTC day inside the tenant's prefix", () => {
    expect(auditKey(event)).toBe(`audit/2026-03-04/${event.id}.json`);
  });

  it("stores the event as a structured CloudEvent", () => {
    expect(JSON.parse(auditRecord(event))).toMatchObject({
      specversion: "1.0",
      id: event.id,
      type: "dev.platforma.cluster.ready.v1",
      tenantid: event.tenantId,
      time: "2026-03-04T23:59:59.999Z",
      data: event.data,
      kafka: { topic: TOPICS.infrastructure, partition: 1, offset: "7" },
    });
  });
});
