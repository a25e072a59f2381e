import { createHash } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlatformaClient, errorDataOf } from "@platforma/client";
import type { ApiKeyId, TenantId } from "@platforma/contracts";
import { apiKeys, outbox, tenantQuotas, tenants } from "@platforma/db";
import { capturingLogger, startStack, type TestStack } from "./stack.ts";
import { recordingStarter } from "./recording-starter.ts";
import { eventually } from "./eventually.ts";

const KEY_FORMAT = /^pfa_([0-9a-z]{20})_([A-Za-z0-9_-]{43})$/;

describe("users and API keys (HTTP → tRPC → Postgres)", () => {
  let stack: TestStack;
  const logger = capturingLogger();
  beforeAll(async () => {
    stack = await startStack({ workflows: recordingStarter(), logger });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const eventsOf = async (tenantId: TenantId) =>
    stack.deps.systemDb
      .select({ type: outbox.type, data: outbox.data })
      .from(outbox)
      .where(eq(outbox.tenantId, tenantId))
      .orderBy(asc(outbox.seq));

  async function used(tenantId: TenantId, quota: "max_users" | "max_api_keys") {
    const [row] = await stack.deps.systemDb
      .select({ used: tenantQuotas.used })
      .from(tenantQuotas)
      .where(and(eq(tenantQuotas.tenantId, tenantId), eq(tenantQuotas.quota, quota)));
    return row?.used;
  }

  async function keyRow(id: ApiKeyId) {
    const [row] = await stack.deps.systemDb.select().from(apiKeys).where(eq(apiKeys.id, id));
    return row;
  }

  const reasonOf = (p: Promise<unknown>) =>
    p.then(
      () => "ok",
      (e: unknown) => errorDataOf(e)?.reason,
    );

  describe("users", () => {
    it("invites, lists, gets, updates roles and removes, with each event in the outbox", async () => {
      const { tenantId, client } = await stack.newTenant();
      const alice = await client.users.invite.mutate({
        email: "Alice@Example.com",
        displayName: " Alice ",
        roles: ["admin", "viewer", "admin"],
      });
      expect(alice).toEqual({
        id: expect.stringMatching(/^usr_/),
        email: "alice@example.com",
        displayName: "Alice",
        roles: ["admin", "viewer"],
        status: "invited",
        invitedBy: "usr_test",
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const bob = await client.users.invite.mutate({ email: "bob@example.com" });
      expect(bob.roles).toEqual([]);

      expect((await client.users.list.query()).items.map((u) => u.id)).toEqual([bob.id, alice.id]);
      const first = await client.users.list.query({ limit: 1 });
      expect(first.items.map((u) => u.id)).toEqual([bob.id]);
      const second = await client.users.list.query({ limit: 1, cursor: first.nextCursor ?? "" });
      expect(second).toEqual({ items: [alice], nextCursor: null });
      expect(await client.users.get.query({ userId: alice.id })).toEqual(alice);

      const updated = await client.users.updateRoles.mutate({ userId: alice.id, roles: ["viewer"] });
      expect(updated.roles).toEqual(["viewer"]);
      // Unchanged roles: no event.
      await client.users.updateRoles.mutate({ userId: alice.id, roles: ["viewer"] });
      expect(await used(tenantId, "max_users")).toBe(2);

      expect((await client.users.remove.mutate({ userId: bob.id })).id).toBe(bob.id);
      expect(await reasonOf(client.users.get.query({ userId: bob.id }))).toBe("not_found");
      expect(await reasonOf(client.users.remove.mutate({ userId: bob.id }))).toBe("not_found");
      expect(await used(tenantId, "max_users")).toBe(1);
      expect((await client.users.list.query()).items.map((u) => u.id)).toEqual([alice.id]);

      expect(await eventsOf(tenantId)).toEqual([
        { type: "tenant.created.v1", data: expect.any(Object) },
        {
          type: "user.invited.v1",
          data: { userId: alice.id, roles: ["admin", "viewer"], invitedBy: "usr_test" },
        },
        { type: "user.invited.v1", data: { userId: bob.id, roles: [], invitedBy: "usr_test" } },
        {
          type: "user.roles_updated.v1",
          data: {
            userId: alice.id,
            roles: ["viewer"],
            previousRoles: ["admin", "viewer"],
            updatedBy: "usr_test",
          },
        },
        { type: "user.removed.v1", data: { userId: bob.id, removedBy: "usr_test" } },
      ]);
    });

    it("refuses a second invite of the same email, in any case, with conflict and writes nothing", async () => {
      const { tenantId, client, token } = await stack.newTenant();
      await client.users.invite.mutate({ email: "carol@example.com" });
      const before = await eventsOf(tenantId);
      const err = await client.users.invite.mutate({ email: "CAROL@example.com" }).catch((e: unknown) => e);
      expect(errorDataOf(err)).toMatchObject({ reason: "conflict", httpStatus: 409 });
      expect(await eventsOf(tenantId)).toEqual(before);
      expect(await used(tenantId, "max_users")).toBe(1);

      // Concurrent duplicates: exactly one wins, the others conflict, usage counts one.
      const burst = createPlatformaClient({ url: stack.url, token, batch: false });
      const reasons = await Promise.all(
        Array.from({ length: 10 }, () => reasonOf(burst.users.invite.mutate({ email: "erin@example.com" }))),
      );
      expect(reasons.sort()).toEqual([...Array.from({ length: 9 }, () => "conflict"), "ok"]);
      expect(await used(tenantId, "max_users")).toBe(2);
    });

    it("the same email may exist in two tenants", async () => {
      const a = await stack.newTenant();
      const b = await stack.newTenant();
      await a.client.users.invite.mutate({ email: "dave@example.com" });
      await expect(b.client.users.invite.mutate({ email: "dave@example.com" })).resolves.toBeTruthy();
    });

    it("requires users:manage", async () => {
      const { tenantId } = await stack.newTenant();
      const token = await stack.signer.tenantToken(tenantId, { scopes: ["infrastructure:read"] });
      const err = await stack
        .clientFor(token)
        .users.list.query()
        .catch((e: unknown) => e);
      expect(errorDataOf(err)).toMatchObject({ reason: "missing_scope", missing: ["users:manage"] });
    });
  });

  describe("API keys", () => {
    it("creates a key shown once, which then works as a credential within its scopes", async () => {
      const { tenantId, client } = await stack.newTenant();
      const { cluster } = await client.clusters.create.mutate({ name: "web", region: "eu-central-1" });
      const created = await client.apiKeys.create.mutate({ name: "ci", scopes: ["infrastructure:read"] });
      const match = KEY_FORMAT.exec(created.plaintextKey);
      expect(match?.[1]).toBe(created.apiKey.id.slice(4));
      expect(created.apiKey).toEqual({
        id: expect.stringMatching(/^key_/),
        name: "ci",
        scopes: ["infrastructure:read"],
        status: "active",
        createdBy: "usr_test",
        expiresAt: null,
        lastUsedAt: null,
        revokedAt: null,
        createdAt: expect.any(String),
      });
      expect(await used(tenantId, "max_api_keys")).toBe(1);

      const keyClient = stack.clientFor(created.plaintextKey);
      expect((await keyClient.clusters.list.query()).items.map((c) => c.id)).toEqual([cluster.id]);
      expect(await reasonOf(keyClient.clusters.create.mutate({ name: "x", region: "eu-central-1" }))).toBe(
        "missing_scope",
      );
      expect(await reasonOf(keyClient.apiKeys.list.query())).toBe("missing_scope");

      const stamped = await eventually(async () => {
        const row = await keyRow(created.apiKey.id);
        expect(row?.lastUsedAt).toBeInstanceOf(Date);
        return row?.lastUsedAt;
      });
      // Throttled: more use within the minute does not write again.
      for (let i = 0; i < 5; i++) await keyClient.clusters.list.query();
      await new Promise((r) => setTimeout(r, 200));
      expect((await keyRow(created.apiKey.id))?.lastUsedAt).toEqual(stamped);
      const [listed] = (await client.apiKeys.list.query()).items;
      expect(listed).toMatchObject({ id: created.apiKey.id, lastUsedAt: stamped?.toISOString() });

      const createdEvents = (await eventsOf(tenantId)).filter((e) => e.type === "api_key.created.v1");
      expect(createdEvents).toEqual([
        {
          type: "api_key.created.v1",
          data: {
            keyId: created.apiKey.id,
            name: "ci",
            scopes: ["infrastructure:read"],
            expiresAt: null,
            createdBy: "usr_test",
          },
        },
      ]);
    });

    it("a revoked key is refused on the next request; revoking again is fine and releases once", async () => {
      const { tenantId, client } = await stack.newTenant();
      const { apiKey, plaintextKey } = await client.apiKeys.create.mutate({
        name: "temp",
        scopes: ["infrastructure:read"],
      });
      const keyClient = stack.clientFor(plaintextKey);
      await expect(keyClient.clusters.list.query()).resolves.toBeTruthy();
      const revoked = await client.apiKeys.revoke.mutate({ keyId: apiKey.id });
      expect(revoked).toMatchObject({ id: apiKey.id, status: "revoked", revokedAt: expect.any(String) });
      const err = await keyClient.clusters.list.query().catch((e: unknown) => e);
      expect(errorDataOf(err)).toMatchObject({ reason: "invalid_token", httpStatus: 401 });
      expect(await used(tenantId, "max_api_keys")).toBe(0);

      const again = await client.apiKeys.revoke.mutate({ keyId: apiKey.id });
      expect(again).toEqual(revoked);
      expect(await used(tenantId, "max_api_keys")).toBe(0);
      const revocations = (await eventsOf(tenantId)).filter((e) => e.type === "api_key.revoked.v1");
      expect(revocations).toEqual([
        { type: "api_key.revoked.v1", data: { keyId: apiKey.id, revokedBy: "usr_test" } },
      ]);
      expect((await client.apiKeys.list.query()).items).toEqual([revoked]);
    });

    it("an expired key is refused", async () => {
      const { client } = await stack.newTenant();
      const expiresAt = new Date(Date.now() + 60_000).toISOString();
      const { apiKey, plaintextKey } = await client.apiKeys.create.mutate({
        name: "short",
        scopes: ["infrastructure:read"],
        expiresAt,
      });
      expect(apiKey.expiresAt).toBe(expiresAt);
      const keyClient = stack.clientFor(plaintextKey);
      await expect(keyClient.clusters.list.query()).resolves.toBeTruthy();
      await stack.deps.systemDb
        .update(apiKeys)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(apiKeys.id, apiKey.id));
      const err = await keyClient.clusters.list.query().catch((e: unknown) => e);
      expect(errorDataOf(err)).toMatchObject({ reason: "invalid_token", httpStatus: 401 });
      expect((await client.apiKeys.list.query()).items[0]?.status).toBe("expired");
    });

    it("refuses expiries in the past or more than a year ahead", async () => {
      const { tenantId, client } = await stack.newTenant();
      for (const expiresAt of [
        new Date(Date.now() - 1000).toISOString(),
        new Date(Date.now() + 400 * 24 * 3600 * 1000).toISOString(),
      ]) {
        const err = await client.apiKeys.create
          .mutate({ name: "k", scopes: ["orders:read"], expiresAt })
          .catch((e: unknown) => e);
        expect(errorDataOf(err)).toMatchObject({
          reason: "invalid_input",
          issues: [expect.objectContaining({ path: ["expiresAt"] })],
        });
      }
      expect(await used(tenantId, "max_api_keys")).toBe(0);
    });

    it("a key never carries a scope its creator lacks, nor platform:admin", async () => {
      const { tenantId } = await stack.newTenant();
      const creator = stack.clientFor(
        await stack.signer.tenantToken(tenantId, { scopes: ["api_keys:manage", "infrastructure:read"] }),
      );
      const err = await creator.apiKeys.create
        .mutate({ name: "k", scopes: ["infrastructure:read", "infrastructure:manage", "orders:write"] })
        .catch((e: unknown) => e);
      expect(errorDataOf(err)).toMatchObject({
        reason: "missing_scope",
        httpStatus: 403,
        missing: ["infrastructure:manage", "orders:write"],
      });
      const admin = stack.clientFor(
        await stack.signer.sign({
          sub: "usr_x",
          tenant_id: tenantId,
          scope: "api_keys:manage platform:admin",
        }),
      );
      const err2 = await admin.apiKeys.create
        .mutate({ name: "k", scopes: ["platform:admin"] })
        .catch((e: unknown) => e);
      // A tenant credential carrying platform:admin is no credential at all.
      expect(errorDataOf(err2)).toMatchObject({ reason: "invalid_token", httpStatus: 401 });
      const tenantAdmin = stack.clientFor(await stack.signer.tenantToken(tenantId));
      const err3 = await tenantAdmin.apiKeys.create
        .mutate({ name: "k", scopes: ["platform:admin"] })
        .catch((e: unknown) => e);
      expect(errorDataOf(err3)).toMatchObject({ reason: "invalid_input" });
      expect(await used(tenantId, "max_api_keys")).toBe(0);

      // A key may create keys within its own scopes, and only those.
      const { plaintextKey } = await creator.apiKeys.create.mutate({
        name: "parent",
        scopes: ["api_keys:manage", "infrastructure:read"],
      });
      const parent = stack.clientFor(plaintextKey);
      const child = await parent.apiKeys.create.mutate({ name: "child", scopes: ["infrastructure:read"] });
      expect(child.apiKey.createdBy).toMatch(/^key_/);
      expect(await reasonOf(parent.apiKeys.create.mutate({ name: "c2", scopes: ["users:manage"] }))).toBe(
        "missing_scope",
      );
    });

    it("refuses forged, tampered and unknown keys with invalid_token", async () => {
      const { client } = await stack.newTenant();
      const { apiKey, plaintextKey } = await client.apiKeys.create.mutate({
        name: "real",
        scopes: ["infrastructure:read"],
      });
      const [, body, secret] = KEY_FORMAT.exec(plaintextKey) ?? [];
      const other = await client.apiKeys.create.mutate({ name: "other", scopes: ["infrastructure:read"] });
      const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
      const forgeries = [
        "pfa_",
        "pfa_garbage",
        `pfa_${body}_${secret}x`,
        `pfa_${body}_${flip(secret ?? "")}`,
        `pfa_${"0".repeat(20)}_${secret}`,
        `pfa_${other.apiKey.id.slice(4)}_${secret}`,
        `pfa_${body?.toUpperCase()}_${secret}`,
        `PFA_${body}_${secret}`,
        `pfa_${body}_${secret}`.replace("pfa_", "pfa_ "),
        `${apiKey.id}_${secret}`,
      ];
      for (const token of forgeries) {
        const res = await fetch(`${stack.url}/trpc/clusters.list`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const json = (await res.json()) as { error?: { data?: { reason?: string } } };
        expect({ token, status: res.status, reason: json.error?.data?.reason }).toEqual({
          token,
          status: 401,
          reason: "invalid_token",
        });
      }
      await expect(stack.clientFor(plaintextKey).clusters.list.query()).resolves.toBeTruthy();
    });

    it("a key of a suspended tenant is refused with tenant_suspended", async () => {
      const { tenantId, client } = await stack.newTenant();
      const { plaintextKey } = await client.apiKeys.create.mutate({
        name: "k",
        scopes: ["infrastructure:read"],
      });
      const keyClient = stack.clientFor(plaintextKey);
      await expect(keyClient.clusters.list.query()).resolves.toBeTruthy();
      await stack.deps.systemDb.update(tenants).set({ state: "suspended" }).where(eq(tenants.id, tenantId));
      const err = await keyClient.clusters.list.query().catch((e: unknown) => e);
      expect(errorDataOf(err)).toMatchObject({ reason: "tenant_suspended", httpStatus: 403 });
    });

    it("the plaintext key appears nowhere in the database or the logs", async () => {
      const { tenantId, client } = await stack.newTenant();
      const keys = await Promise.all(
        ["a", "b", "c"].map((name) =>
          client.apiKeys.create.mutate({ name, scopes: ["infrastructure:read"] }),
        ),
      );
      for (const { plaintextKey } of keys) await stack.clientFor(plaintextKey).clusters.list.query();
      const [first] = keys;
      await client.apiKeys.revoke.mutate({ keyId: first!.apiKey.id });
      await stack
        .clientFor(first!.plaintextKey)
        .clusters.list.query()
        .catch(() => undefined);
      await eventually(async () => {
        for (const { apiKey } of keys) expect((await keyRow(apiKey.id))?.lastUsedAt).toBeInstanceOf(Date);
      });

      const rows = await stack.deps.systemDb.execute<{ row: string }>(sql`
        select t::text as row from api_keys t
        union all select o::text from outbox o
        union all select q::text from tenant_quotas q where tenant_id = ${tenantId}`);
      const dump = rows.rows.map((r) => r.row).join("\n");
      const logs = logger.lines.join("\n");
      expect(logs).toContain(first!.apiKey.id); // the refusal is logged, by key id
      for (const { apiKey, plaintextKey } of keys) {
        const secret = KEY_FORMAT.exec(plaintextKey)?.[2] ?? "";
        expect(secret).toHaveLength(43);
        expect(dump).toContain(apiKey.id);
        expect(dump).not.toContain(secret);
        expect(logs).not.toContain(secret);
        expect((await keyRow(apiKey.id))?.secretHash).toBe(createHash("sha256").update(secret).digest("hex"));
      }
    });
  });
});
