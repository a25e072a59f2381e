import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorDataOf, type PlatformaClient } from "@platforma/client";
import type { CloudEventType, EventType, TenantId } from "@platforma/contracts";
import { createSystemDb, outbox, tenants, type DbHandle, type SystemDb } from "@platforma/db";
import { eventually } from "./eventually.ts";
import { recordingStarter } from "./recording-starter.ts";
import { startStack, type TestStack } from "./stack.ts";

let stack: TestStack;
let system: DbHandle<SystemDb>;

beforeAll(async () => {
  stack = await startStack({ workflows: recordingStarter() });
  system = createSystemDb({ url: process.env["DATABASE_SYSTEM_URL"] ?? "", max: 2 });
});

afterAll(async () => {
  await stack?.close();
  await system?.close();
});

interface Received {
  id: string;
  type: string;
}

/** Subscribes and collects events until `stop()`; `error` holds the error that ended the stream, if any. */
function subscribe(
  client: PlatformaClient,
  input: { lastEventId?: string; types?: (EventType | CloudEventType)[] } = {},
) {
  const events: Received[] = [];
  const state: { error: unknown; ended: boolean } = { error: undefined, ended: false };
  const subscription = client.events.subscribe.subscribe(input, {
    onData: ({ id, data }) => events.push({ id, type: data.type }),
    onError: (error) => {
      state.error = error;
      state.ended = true;
    },
    onComplete: () => (state.ended = true),
  });
  return { events, state, stop: () => subscription.unsubscribe() };
}

async function limitsChanged(tenantId: TenantId, n: number): Promise<void> {
  await stack.operator.tenants.updateQuotas.mutate({ tenantId, quotas: { max_clusters: 10 + n } });
}

async function eventIdsOf(tenantId: TenantId, type: string): Promise<string[]> {
  const rows = await system.db
    .select({ id: outbox.id, type: outbox.type })
    .from(outbox)
    .where(eq(outbox.tenantId, tenantId))
    .orderBy(outbox.seq);
  return rows.filter((row) => row.type === type).map((row) => row.id);
}

async function firstEventOf(tenantId: TenantId): Promise<string> {
  const [created] = await eventIdsOf(tenantId, "tenant.created.v1");
  if (!created) throw new Error("the tenant has no tenant.created event");
  return created;
}

describe("events.subscribe", () => {
  it("streams only the caller's own events, in order, and resumes after lastEventId", async () => {
    const a = await stack.newTenant();
    const b = await stack.newTenant();
    // Resuming after the tenant's first event (tenant.created) rather than "from now": nothing
    // depends on how fast the stream comes up.
    const sub = subscribe(a.client, { lastEventId: await firstEventOf(a.tenantId) });
    for (let n = 0; n < 6; n++) {
      await limitsChanged(a.tenantId, n);
      await limitsChanged(b.tenantId, n);
    }
    await eventually(async () => expect(sub.events.length).toBe(6), { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    sub.stop();
    expect(sub.state.error).toBeUndefined();

    const ownIds = await eventIdsOf(a.tenantId, "quota.limits_updated.v1");
    expect(sub.events.map((e) => e.id)).toEqual(ownIds);
    expect(sub.events.every((e) => e.type === "quota.limits_updated.v1")).toBe(true);
    const receivedRows = await system.db
      .select({ tenantId: outbox.tenantId })
      .from(outbox)
      .where(
        inArray(
          outbox.id,
          sub.events.map((e) => e.id),
        ),
      );
    expect(new Set(receivedRows.map((row) => row.tenantId))).toEqual(new Set([a.tenantId]));

    // Events while disconnected arrive on resume, exactly once, after the last one received.
    for (let n = 6; n < 9; n++) await limitsChanged(a.tenantId, n);
    const resumed = subscribe(a.client, { lastEventId: sub.events.at(-1)?.id ?? "" });
    await eventually(async () => expect(resumed.events.length).toBe(3), { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    resumed.stop();
    const all = await eventIdsOf(a.tenantId, "quota.limits_updated.v1");
    expect(resumed.events.map((e) => e.id)).toEqual(all.slice(6));
  }, 60_000);

  it("filters by type, named as in the catalogue or by its CloudEvents ce_type", async () => {
    const a = await stack.newTenant();
    const after = await firstEventOf(a.tenantId);
    const byCatalogue = subscribe(a.client, { lastEventId: after, types: ["quota.limits_updated.v1"] });
    const byCeType = subscribe(a.client, {
      lastEventId: after,
      types: ["dev.platforma.quota.limits_updated.v1"],
    });
    const other = subscribe(a.client, { lastEventId: after, types: ["dev.platforma.cluster.ready.v1"] });
    await limitsChanged(a.tenantId, 1);
    await stack.clientFor(a.token).apiKeys.create.mutate({ name: "filtered", scopes: ["events:read"] });
    await limitsChanged(a.tenantId, 2);
    const ids = await eventIdsOf(a.tenantId, "quota.limits_updated.v1");
    await eventually(async () => expect(byCatalogue.events.map((e) => e.id)).toEqual(ids), {
      timeoutMs: 20_000,
    });
    await eventually(async () => expect(byCeType.events.map((e) => e.id)).toEqual(ids), {
      timeoutMs: 20_000,
    });
    for (const sub of [byCatalogue, byCeType, other]) sub.stop();
    expect(other.events).toEqual([]);
    for (const sub of [byCatalogue, byCeType, other]) expect(sub.state.error).toBeUndefined();

    const refused = subscribe(a.client, { types: ["dev.platforma.no.such.v1" as CloudEventType] });
    await eventually(async () => expect(refused.state.ended).toBe(true), { timeoutMs: 20_000 });
    refused.stop();
    expect(errorDataOf(refused.state.error)).toMatchObject({ reason: "invalid_input" });
  });

  it("never yields another tenant's event, even when resuming from one of its ids", async () => {
    const a = await stack.newTenant();
    const b = await stack.newTenant();
    await limitsChanged(b.tenantId, 1);
    const [foreign] = await eventIdsOf(b.tenantId, "quota.limits_updated.v1");
    const sub = subscribe(a.client, { lastEventId: foreign ?? "" });
    await eventually(async () => expect(sub.state.ended).toBe(true), { timeoutMs: 20_000 });
    sub.stop();
    expect(sub.events).toEqual([]);
    expect(errorDataOf(sub.state.error)).toMatchObject({ reason: "not_found" });
  });

  it("requires events:read", async () => {
    const tenant = await stack.newTenant();
    const token = await stack.signer.tenantToken(tenant.tenantId, { scopes: ["orders:read"] });
    const sub = subscribe(stack.clientFor(token));
    await eventually(async () => expect(sub.state.ended).toBe(true), { timeoutMs: 20_000 });
    sub.stop();
    expect(errorDataOf(sub.state.error)).toMatchObject({ reason: "missing_scope", missing: ["events:read"] });
  });

  it("ends the stream of a tenant that is suspended while subscribed", async () => {
    const tenant = await stack.newTenant();
    const sub = subscribe(tenant.client, { lastEventId: await firstEventOf(tenant.tenantId) });
    await limitsChanged(tenant.tenantId, 1);
    await eventually(async () => expect(sub.events.length).toBe(1), { timeoutMs: 20_000 });
    await system.db.update(tenants).set({ state: "suspended" }).where(eq(tenants.id, tenant.tenantId));
    await eventually(async () => expect(sub.state.ended).toBe(true), { timeoutMs: 20_000 });
    sub.stop();
    expect(errorDataOf(sub.state.error)).toMatchObject({ reason: "tenant_suspended" });
  });
});

describe("open event streams are capped", () => {
  let capped: TestStack;
  beforeAll(async () => {
    capped = await startStack({
      workflows: recordingStarter(),
      eventStreams: { perTenant: 3, perCredential: 2 },
    });
  });
  afterAll(async () => {
    await capped?.close();
  });

  /** A stream from after the tenant's first event: one that opens delivers the next one. */
  const open = async (token: string, tenantId: TenantId) =>
    subscribe(capped.clientFor(token), { lastEventId: await firstEventOf(tenantId) });

  it("per credential and per tenant, with a typed refusal, and gives a slot back when a stream ends", async () => {
    const { tenantId } = await capped.newTenant();
    const alice = await capped.signer.tenantToken(tenantId, { sub: "usr_alice" });
    const bob = await capped.signer.tenantToken(tenantId, { sub: "usr_bob" });
    const carol = await capped.signer.tenantToken(tenantId, { sub: "usr_carol" });
    // An event after the first, so every open stream delivers one and is known to be open.
    await capped.operator.tenants.updateQuotas.mutate({ tenantId, quotas: { max_clusters: 11 } });
    const isOpen = async (sub: ReturnType<typeof subscribe>) =>
      eventually(async () => expect(sub.events.length).toBe(1), { timeoutMs: 20_000 });
    const isRefused = async (sub: ReturnType<typeof subscribe>, limit: object) => {
      await eventually(async () => expect(sub.state.ended).toBe(true), { timeoutMs: 20_000 });
      expect(errorDataOf(sub.state.error)).toMatchObject({ reason: "rate_limited", httpStatus: 429, limit });
    };

    const a1 = await open(alice, tenantId);
    const a2 = await open(alice, tenantId);
    await Promise.all([isOpen(a1), isOpen(a2)]);
    const a3 = await open(alice, tenantId);
    await isRefused(a3, { streamsPerCredential: 2 });

    const b1 = await open(bob, tenantId);
    await isOpen(b1);
    const c1 = await open(carol, tenantId);
    await isRefused(c1, { streamsPerTenant: 3 });

    // Another tenant is not affected by this one's streams.
    const other = await capped.newTenant();
    await capped.operator.tenants.updateQuotas.mutate({
      tenantId: other.tenantId,
      quotas: { max_clusters: 11 },
    });
    const o1 = await open(other.token, other.tenantId);
    await isOpen(o1);

    a1.stop();
    // The server gives the slot back once it sees the client go: until then carol is refused.
    const c2 = await eventually(
      async () => {
        const sub = await open(carol, tenantId);
        await eventually(async () => expect(sub.events.length > 0 || sub.state.ended).toBe(true), {
          timeoutMs: 20_000,
        });
        if (sub.state.ended) throw new Error(`still refused: ${String(sub.state.error)}`);
        return sub;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    for (const sub of [a2, b1, o1, c2]) {
      sub.stop();
      expect(sub.state.error).toBeUndefined();
    }
  });
});
