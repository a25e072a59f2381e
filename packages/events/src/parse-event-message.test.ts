import { describe, expect, it } from "vitest";
import { newId, TOPICS } from "@platforma/contracts";
import { InvalidEventError } from "./invalid-event-error.ts";
import { parseEventMessage, type RawEventMessage } from "./parse-event-message.ts";
import { toEventMessage } from "./producer.ts";
import { RecentIds } from "./recent-ids.ts";

const tenantId = newId("tenant");

function message(
  overrides: Partial<RawEventMessage> = {},
  headers: Record<string, string> = {},
): RawEventMessage {
  const produced = toEventMessage({
    id: newId("event"),
    tenantId,
    topic: TOPICS.infrastructure,
    type: "cluster.ready.v1",
    data: { clusterId: "cls_1", orderId: "ord_1", region: "eu-central-1" },
    occurredAt: new Date("2026-01-02T03:04:05.000Z"),
  });
  return {
    topic: produced.topic,
    partition: 2,
    offset: 41n,
    key: produced.key,
    value: produced.value,
    headers: new Map(Object.entries({ ...(produced.headers as Record<string, string>), ...headers })),
    ...overrides,
  };
}

function rejection(raw: RawEventMessage): InvalidEventError {
  try {
    parseEventMessage(raw);
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error("accepted");
}

describe("parseEventMessage", () => {
  it("returns the typed event", () => {
    const event = parseEventMessage(message());
    expect(event).toMatchObject({
      type: "cluster.ready.v1",
      ceType: "dev.platforma.cluster.ready.v1",
      tenantId,
      topic: TOPICS.infrastructure,
      partition: 2,
      offset: 41n,
      time: new Date("2026-01-02T03:04:05.000Z"),
      data: { clusterId: "cls_1", orderId: "ord_1", region: "eu-central-1" },
    });
  });

  it("drops unknown data fields (additive changes)", () => {
    const raw = message({ value: JSON.stringify({ clusterId: "c", orderId: "o", region: "r", extra: 1 }) });
    expect(parseEventMessage(raw).data).toEqual({ clusterId: "c", orderId: "o", region: "r" });
  });

  it.each([
    [
      "unknown_type",
      message({}, { ce_type: "dev.platforma.cluster.exploded.v9" }),
      /unknown event type "dev\.platforma\.cluster\.exploded\.v9"/,
    ],
    ["unknown_type", message({}, { ce_type: "com.example.other" }), /not in the catalogue/],
    ["missing_attribute", message({}, { ce_id: "" }), /no ce_id header/],
    ["invalid_attribute", message({}, { ce_id: "../../etc" }), /is not an event id/],
    ["invalid_attribute", message({}, { ce_tenantid: "ten_../x" }), /is not a tenant id/],
    ["invalid_attribute", message({}, { ce_time: "yesterday" }), /is not a time/],
    ["unsupported_specversion", message({}, { ce_specversion: "0.3" }), /expected 1\.0/],
    ["key_mismatch", message({ key: newId("tenant") }), /is not the event's tenant/],
    ["wrong_topic", message({ topic: TOPICS.orders }), /belongs on platforma\.infrastructure\.v1/],
    ["invalid_json", message({ value: "{" }), /is not JSON/],
    ["invalid_data", message({ value: JSON.stringify({ clusterId: 1 }) }), /does not match the catalogue/],
  ])("rejects %s with a clear message", (reason, raw, pattern) => {
    const error = rejection(raw);
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(/^platforma\.\w+\.v1\[2\]@41: /);
    expect(error.message).toMatch(pattern);
  });
});

describe("RecentIds", () => {
  it("remembers a bounded window of ids", () => {
    const ids = new RecentIds(2);
    expect(ids.add("a")).toBe(true);
    expect(ids.add("a")).toBe(false);
    expect(ids.add("b")).toBe(true);
    expect(ids.add("c")).toBe(true);
    expect(ids.size).toBe(2);
    expect(ids.add("a"), "forgotten once it left the window").toBe(true);
  });
});
