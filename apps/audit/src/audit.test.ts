import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { newId, TOPICS } from "@platforma/contracts";
import type { ConsumedEvent } from "@platforma/events";
import { auditKey, auditRecord } from "./audit-record.ts";
import { createFilesystemWriter } from "./filesystem-writer.ts";

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

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("audit trail", () => {
  it("keys each event under its tenant and UTC day", () => {
    expect(auditKey(event)).toBe(`tenants/${event.tenantId}/audit/2026-03-04/${event.id}.json`);
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

  it("writes objects under the root, replacing on a second put, and refuses keys that escape it", async () => {
    const root = await mkdtemp(join(tmpdir(), "audit-"));
    dirs.push(root);
    const writer = createFilesystemWriter(root);
    await writer.put("tenants/ten_a/audit/2026-01-01/evt_1.json", "one");
    await writer.put("tenants/ten_a/audit/2026-01-01/evt_1.json", "two");
    expect(await readFile(join(root, "tenants/ten_a/audit/2026-01-01/evt_1.json"), "utf8")).toBe("two");
    expect(await readdir(join(root, "tenants/ten_a/audit/2026-01-01"))).toEqual(["evt_1.json"]);
    for (const key of ["../escape", "tenants/../../x", "/abs", "tenants//x", "tenants/a b", "tenants/./x"]) {
      await expect(writer.put(key, "x"), key).rejects.toThrow(/object key/);
    }
  });
});
