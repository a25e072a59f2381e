import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorDataOf } from "@platforma/client";
import { outbox, withTenant } from "@platforma/db";
import { startStack, type TestStack } from "./stack.ts";
import { eventually } from "./eventually.ts";
import { consumeByKey } from "./kafka.ts";
import { TOPICS } from "@platforma/contracts";

describe("cluster order, end to end (HTTP → tRPC → Postgres → Temporal → worker)", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ worker: true, relay: true });
  });
  afterAll(async () => {
    try {
      await stack?.expectInvariants();
    } finally {
      await stack?.close();
    }
  });

  it("provisions a shared cluster, completes the order and records its events", async () => {
    const { tenantId, client } = await stack.newTenant();
    const { cluster, order } = await client.clusters.create.mutate({ name: "web", region: "eu-central-1" });
    expect(cluster.state).toBe("provisioning");
    expect(order.workflowId).toBe(`order/${order.id}`);

    const done = await eventually(async () => {
      const o = await client.orders.get.query({ orderId: order.id });
      expect(o.state).toBe("completed");
      return o;
    });
    expect(done.steps.map((s) => [s.name, s.state])).toEqual([
      ["compute", "done"],
      ["register", "done"],
    ]);
    expect((await client.clusters.get.query({ clusterId: cluster.id })).state).toBe("ready");

    const listed = await client.clusters.list.query();
    expect(listed.items.map((c) => c.id)).toEqual([cluster.id]);
    expect((await client.orders.list.query()).items.map((o) => o.id)).toEqual([order.id]);

    // The workflow is findable by the TenantId search attribute (what operators do in the Web UI).
    const found = await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of stack.temporal!.workflow.list({ query: `TenantId = '${tenantId}'` }))
        ids.push(wf.workflowId);
      expect(ids).toEqual([order.workflowId]);
      return ids;
    });
    expect(found).toHaveLength(1);

    const events = await withTenant(stack.deps.db, tenantId, (tx) =>
      tx.select().from(outbox).orderBy(outbox.seq),
    );
    expect(events.map((e) => e.type)).toEqual([
      "tenant.created.v1",
      "order.placed.v1",
      "cluster.requested.v1",
      "order.step_changed.v1",
      "order.step_changed.v1",
      "order.step_changed.v1",
      "cluster.ready.v1",
      "order.completed.v1",
    ]);
    expect(events.filter((e) => e.type === "order.step_changed.v1").map((e) => e.data)).toEqual([
      { orderId: order.id, step: "compute", state: "running" },
      { orderId: order.id, step: "compute", state: "done" },
      { orderId: order.id, step: "register", state: "done" },
    ]);
    expect(new Set(events.map((e) => e.tenantId))).toEqual(new Set([tenantId]));

    // The relay put them on the topics, keyed by tenant, with CloudEvents headers, in order.
    const messages = await consumeByKey(Object.values(TOPICS), tenantId, events.length);
    expect(messages.map((m) => m.headers.get("ce_id")).sort()).toEqual(events.map((e) => e.id).sort());
    for (const m of messages) {
      expect(m.key).toBe(tenantId);
      expect(m.headers.get("ce_tenantid")).toBe(tenantId);
      expect(m.headers.get("ce_specversion")).toBe("1.0");
    }
    const infrastructure = messages
      .filter((m) => m.topic === TOPICS.infrastructure)
      .map((m) => m.headers.get("ce_type"));
    expect(infrastructure).toEqual(["dev.platforma.cluster.requested.v1", "dev.platforma.cluster.ready.v1"]);
  });

  it("returns the same order when the request is retried with its idempotency key", async () => {
    const { client } = await stack.newTenant();
    const input = { name: "db", region: "us-east-1", idempotencyKey: "create-db-1" };
    const [a, b] = await Promise.all([
      client.clusters.create.mutate(input),
      client.clusters.create.mutate(input),
    ]);
    const c = await client.clusters.create.mutate(input);
    expect(b.order.id).toBe(a.order.id);
    expect(c.order.id).toBe(a.order.id);
    expect(c.cluster.id).toBe(a.cluster.id);
    expect((await client.clusters.list.query()).items).toHaveLength(1);
    // The same key with another request is a conflict, not the first order in disguise.
    const reused = await client.clusters.create
      .mutate({ ...input, region: "eu-central-1" })
      .catch((e: unknown) => e);
    expect(errorDataOf(reused)).toMatchObject({
      reason: "conflict",
      httpStatus: 409,
      idempotencyKey: "create-db-1",
      orderId: a.order.id,
    });
    const quotaUse = await eventually(async () => {
      const o = await client.orders.get.query({ orderId: a.order.id });
      expect(o.state).toBe("completed");
      return o;
    });
    expect(quotaUse.id).toBe(a.order.id);
  });

  it("fails the order and gives its quota back when the region has no capacity", async () => {
    const { tenantId, client } = await stack.newTenant({
      allowedRegions: ["zz-empty-1"],
      quotas: { max_clusters: 1 },
    });
    // zz-empty-1 is allowed for this tenant but has no inventory: provisioning fails in the activity.
    const { order } = await client.clusters.create.mutate({ name: "nowhere", region: "zz-empty-1" });
    const failed = await eventually(async () => {
      const o = await client.orders.get.query({ orderId: order.id });
      expect(o.state).toBe("failed");
      return o;
    });
    expect(failed.error?.reason).toBe("capacity_unavailable");
    const tenant = await stack.operator.tenants.get.query({ tenantId });
    expect(tenant.quotas?.max_clusters).toBe(1);
    // The quota came back, so a second order is admitted (and fails the same way).
    const again = await client.clusters.create.mutate({ name: "nowhere-2", region: "zz-empty-1" });
    expect(again.order.state).toBe("pending");
  });

  it("refuses a region the tenant may not use before anything is written", async () => {
    const { client } = await stack.newTenant({ allowedRegions: ["eu-central-1"] });
    const err = await client.clusters.create
      .mutate({ name: "x", region: "us-east-1" })
      .catch((e: unknown) => e);
    expect(errorDataOf(err)).toMatchObject({ reason: "region_not_allowed", httpStatus: 403 });
    expect((await client.orders.list.query()).items).toEqual([]);
  });
});
