import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantId } from "@platforma/contracts";
import { startStack, type TestStack } from "./stack.ts";
import { recordingStarter } from "./recording-starter.ts";

/** Raw HTTP, so inputs the typed client would not let through still reach the server. */
async function call(
  stack: TestStack,
  token: string,
  kind: "query" | "mutation",
  path: string,
  input: unknown,
) {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const res =
    kind === "query"
      ? await fetch(`${stack.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
          headers,
        })
      : await fetch(`${stack.url}/trpc/${path}`, { method: "POST", headers, body: JSON.stringify(input) });
  const body = (await res.json()) as { error?: { data?: { reason?: string; issues?: unknown[] } } };
  return { status: res.status, reason: body.error?.data?.reason, issues: body.error?.data?.issues };
}

const longString = "x".repeat(10_000);
const future = (ms: number) => new Date(Date.now() + ms).toISOString();
const DAY = 24 * 60 * 60 * 1000;

describe("bad input gets a typed error, never a 500", () => {
  let stack: TestStack;
  let tenantId: TenantId;
  let tenantToken: string;
  let operatorToken: string;
  /** Ids that exist, but in another tenant. */
  let foreign: { userId: string; keyId: string };
  let before: Record<string, number> | undefined;

  /** Everything a refused input could have written for the tenant. */
  async function written(id: TenantId) {
    const r = await stack.deps.systemDb.execute<Record<string, number>>(sql`
      select (select count(*)::int from users where tenant_id = ${id}) as users,
             (select count(*)::int from api_keys where tenant_id = ${id}) as api_keys,
             (select count(*)::int from outbox where tenant_id = ${id}) as events,
             (select sum(used)::int from tenant_quotas where tenant_id = ${id}) as used`);
    return r.rows[0];
  }

  beforeAll(async () => {
    stack = await startStack({ workflows: recordingStarter() });
    ({ tenantId, token: tenantToken } = await stack.newTenant());
    operatorToken = await stack.signer.operatorToken();
    const other = await stack.newTenant();
    const user = await other.client.users.invite.mutate({ email: "someone@example.com" });
    const key = await other.client.apiKeys.create.mutate({ name: "k", scopes: ["orders:read"] });
    foreign = { userId: user.id, keyId: key.apiKey.id };
    before = await written(tenantId);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const okStorage = { backend: "ceph", sizeTb: 1 };
  const dedicatedCase = (dedicated: unknown): [string, "mutation", unknown] => [
    "clusters.create",
    "mutation",
    { name: "d", region: "eu-central-1", placement: "dedicated", dedicated },
  ];
  /** A dedicated cluster whose only fault is one firewall rule. */
  const ruleCase = (rule: unknown) =>
    dedicatedCase({ nodes: 1, storage: okStorage, network: { firewallRules: [rule] } });

  const tenantCases: [string, "query" | "mutation", unknown][] = [
    ["clusters.create", "mutation", {}],
    ["clusters.create", "mutation", null],
    ["clusters.create", "mutation", "a string"],
    ["clusters.create", "mutation", { name: "ok", region: "eu-central-1", extra: 1 }],
    ["clusters.create", "mutation", { name: "Bad Name!", region: "eu-central-1" }],
    ["clusters.create", "mutation", { name: longString, region: "eu-central-1" }],
    ["clusters.create", "mutation", { name: "ok", region: "../../etc" }],
    ["clusters.create", "mutation", { name: "ok", region: "eu-central-1", placement: "moon" }],
    ["clusters.create", "mutation", { name: "ok", region: "eu-central-1", idempotencyKey: "" }],
    ["clusters.create", "mutation", { name: 42, region: ["eu-central-1"] }],
    [
      "clusters.create",
      "mutation",
      { name: "ok", region: "eu-central-1", tenantId: "ten_aaaaaaaaaaaaaaaaaaaa" },
    ],
    ["clusters.get", "query", { clusterId: "ord_aaaaaaaaaaaaaaaaaaaa" }],
    ["clusters.get", "query", { clusterId: "' or 1=1 --" }],
    ["clusters.get", "query", {}],
    ["clusters.list", "query", { limit: 0 }],
    ["clusters.list", "query", { limit: 1.5 }],
    ["clusters.list", "query", { limit: 1e12 }],
    ["clusters.list", "query", { limit: -1 }],
    ["clusters.list", "query", { cursor: "not-a-cursor" }],
    ["clusters.list", "query", { cursor: Buffer.from('["garbage","x"]').toString("base64url") }],
    ["orders.get", "query", { orderId: 123 }],
    ["orders.list", "query", { limit: "ten" }],
    [
      "instances.create",
      "mutation",
      { clusterId: "cls_aaaaaaaaaaaaaaaaaaaa", name: "i", cpuCores: -1, memoryGb: 1 },
    ],
    [
      "instances.create",
      "mutation",
      { clusterId: "cls_aaaaaaaaaaaaaaaaaaaa", name: "i", cpuCores: 0, memoryGb: 1 },
    ],
    [
      "instances.create",
      "mutation",
      { clusterId: "cls_aaaaaaaaaaaaaaaaaaaa", name: "i", cpuCores: 1.5, memoryGb: 1 },
    ],
    [
      "instances.create",
      "mutation",
      { clusterId: "cls_aaaaaaaaaaaaaaaaaaaa", name: "i", cpuCores: 1e15, memoryGb: 1 },
    ],
    [
      "instances.create",
      "mutation",
      { clusterId: "cls_aaaaaaaaaaaaaaaaaaaa", name: "i", cpuCores: "4", memoryGb: 1 },
    ],
    [
      "instances.create",
      "mutation",
      { clusterId: "cls_aaaaaaaaaaaaaaaaaaaa", name: "i", cpuCores: 1, memoryGb: 1, gpu: 1 },
    ],
    [
      "instances.create",
      "mutation",
      { clusterId: "ord_aaaaaaaaaaaaaaaaaaaa", name: "i", cpuCores: 1, memoryGb: 1 },
    ],
    [
      "instances.create",
      "mutation",
      { clusterId: "cls_aaaaaaaaaaaaaaaaaaaa", name: "i", cpuCores: 1, memoryGb: -8 },
    ],
    ["instances.get", "query", { instanceId: "cls_aaaaaaaaaaaaaaaaaaaa" }],
    ["instances.list", "query", { clusterId: "nope" }],
    ["instances.delete", "mutation", { instanceId: "" }],
    [
      "storage.create",
      "mutation",
      { clusterId: "cls_aaaaaaaaaaaaaaaaaaaa", name: "s", backend: "tape", sizeTb: 1 },
    ],
    [
      "storage.create",
      "mutation",
      { clusterId: "cls_aaaaaaaaaaaaaaaaaaaa", name: "s", backend: "ceph", sizeTb: 0 },
    ],
    [
      "storage.create",
      "mutation",
      { clusterId: "cls_aaaaaaaaaaaaaaaaaaaa", name: "s", backend: "ceph", sizeTb: -3 },
    ],
    [
      "storage.create",
      "mutation",
      { clusterId: "cls_aaaaaaaaaaaaaaaaaaaa", name: "s", backend: "ceph", sizeTb: 0.5 },
    ],
    [
      "storage.create",
      "mutation",
      { clusterId: "cls_aaaaaaaaaaaaaaaaaaaa", name: "s", backend: "ceph", sizeTb: 1e9 },
    ],
    ["storage.delete", "mutation", { storagePoolId: "ins_aaaaaaaaaaaaaaaaaaaa" }],
    ["quotas.check", "query", { request: { max_cpu_cores: -1 } }],
    ["quotas.check", "query", { request: { max_gpus: 1 } }],
    ["quotas.check", "query", { request: { max_cpu_cores: 2.5 } }],
    ["quotas.check", "query", {}],
    dedicatedCase({ nodes: 0, storage: okStorage }),
    dedicatedCase({ nodes: 1.5, storage: okStorage }),
    dedicatedCase({ nodes: 1, storage: { backend: "ceph", sizeTb: -1 } }),
    dedicatedCase({ nodes: 1, storage: { backend: "tape", sizeTb: 1 } }),
    dedicatedCase({ nodes: 1, storage: okStorage, network: { cidr: "8.8.8.0/24" } }),
    dedicatedCase({ nodes: 1, storage: okStorage, network: { cidr: "10.0.0.1/16" } }),
    ruleCase({
      direction: "ingress",
      protocol: "icmp",
      ports: { from: 1, to: 2 },
      cidr: "0.0.0.0/0",
      action: "allow",
    }),
    ruleCase({
      direction: "ingress",
      protocol: "tcp",
      ports: { from: 0, to: 70000 },
      cidr: "0.0.0.0/0",
      action: "allow",
    }),
    ruleCase({
      direction: "ingress",
      protocol: "tcp",
      ports: { from: 90, to: 80 },
      cidr: "0.0.0.0/0",
      action: "allow",
    }),
    ruleCase({ direction: "sideways", protocol: "tcp", cidr: "999.0.0.0/8", action: "allow" }),
    dedicatedCase({
      nodes: 1,
      storage: okStorage,
      network: {
        firewallRules: Array.from({ length: 201 }, () => ({
          direction: "ingress",
          protocol: "any",
          cidr: "0.0.0.0/0",
          action: "allow",
        })),
      },
    }),
    dedicatedCase({ nodes: 1, storage: okStorage, gpus: 4 }),
    [
      "clusters.create",
      "mutation",
      { name: "d", region: "eu-central-1", dedicated: { nodes: 1, storage: okStorage } },
    ],
    ["clusters.delete", "mutation", { clusterId: "ord_aaaaaaaaaaaaaaaaaaaa" }],
    ["orders.cancel", "mutation", { orderId: "cls_aaaaaaaaaaaaaaaaaaaa" }],
    ["networks.get", "query", { networkId: "net_" }],
    [
      "networks.updateFirewallRules",
      "mutation",
      {
        networkId: "net_aaaaaaaaaaaaaaaaaaaa",
        rules: [{ direction: "egress", protocol: "udp", cidr: "fe80::/200", action: "allow" }],
      },
    ],
    ["networks.updateFirewallRules", "mutation", { networkId: "net_aaaaaaaaaaaaaaaaaaaa", rules: "all" }],
    ["users.invite", "mutation", {}],
    ["users.invite", "mutation", { email: "not-an-email" }],
    ["users.invite", "mutation", { email: `${longString}@example.com` }],
    ["users.invite", "mutation", { email: "a@example.com", extra: 1 }],
    ["users.invite", "mutation", { email: "a@example.com", tenantId: "ten_aaaaaaaaaaaaaaaaaaaa" }],
    ["users.invite", "mutation", { email: "a@example.com", displayName: "" }],
    ["users.invite", "mutation", { email: "a@example.com", displayName: longString }],
    ["users.invite", "mutation", { email: "a@example.com", roles: "admin" }],
    ["users.invite", "mutation", { email: "a@example.com", roles: ["Admin"] }],
    ["users.invite", "mutation", { email: "a@example.com", roles: [""] }],
    ["users.invite", "mutation", { email: "a@example.com", roles: ["../admin"] }],
    ["users.invite", "mutation", { email: "a@example.com", roles: [longString] }],
    ["users.invite", "mutation", { email: "a@example.com", roles: [1] }],
    [
      "users.invite",
      "mutation",
      { email: "a@example.com", roles: Array.from({ length: 17 }, (_, i) => `r${i}`) },
    ],
    ["users.invite", "mutation", { email: ["a@example.com"] }],
    ["users.get", "query", {}],
    ["users.get", "query", { userId: "key_aaaaaaaaaaaaaaaaaaaa" }],
    ["users.get", "query", { userId: "usr_short" }],
    ["users.get", "query", { userId: "' or 1=1 --" }],
    ["users.get", "query", { userId: 42 }],
    ["users.list", "query", { limit: 0 }],
    ["users.list", "query", { limit: -1 }],
    ["users.list", "query", { limit: 2.5 }],
    ["users.list", "query", { limit: 1e12 }],
    ["users.list", "query", { cursor: "not-a-cursor" }],
    ["users.list", "query", { limit: 10, extra: true }],
    ["users.updateRoles", "mutation", { userId: "usr_aaaaaaaaaaaaaaaaaaaa" }],
    ["users.updateRoles", "mutation", { userId: "usr_aaaaaaaaaaaaaaaaaaaa", roles: ["UPPER"] }],
    ["users.updateRoles", "mutation", { userId: "cls_aaaaaaaaaaaaaaaaaaaa", roles: [] }],
    ["users.updateRoles", "mutation", { userId: "usr_aaaaaaaaaaaaaaaaaaaa", roles: [], extra: 1 }],
    ["users.remove", "mutation", { userId: "usr_" }],
    ["users.remove", "mutation", { userId: null }],
    ["users.remove", "mutation", { userId: "key_aaaaaaaaaaaaaaaaaaaa" }],
    ["apiKeys.create", "mutation", {}],
    ["apiKeys.create", "mutation", { name: "k" }],
    ["apiKeys.create", "mutation", { name: "k", scopes: [] }],
    ["apiKeys.create", "mutation", { name: "", scopes: ["orders:read"] }],
    ["apiKeys.create", "mutation", { name: longString, scopes: ["orders:read"] }],
    ["apiKeys.create", "mutation", { name: "k", scopes: ["orders:delete"] }],
    ["apiKeys.create", "mutation", { name: "k", scopes: "orders:read" }],
    ["apiKeys.create", "mutation", { name: "k", scopes: Array.from({ length: 33 }, () => "orders:read") }],
    ["apiKeys.create", "mutation", { name: "k", scopes: ["platform:admin"] }],
    ["apiKeys.create", "mutation", { name: "k", scopes: ["orders:read"], expiresAt: "tomorrow" }],
    ["apiKeys.create", "mutation", { name: "k", scopes: ["orders:read"], expiresAt: 1e12 }],
    ["apiKeys.create", "mutation", { name: "k", scopes: ["orders:read"], expiresAt: "2000-01-01T00:00:00Z" }],
    ["apiKeys.create", "mutation", { name: "k", scopes: ["orders:read"], expiresAt: future(-1000) }],
    ["apiKeys.create", "mutation", { name: "k", scopes: ["orders:read"], expiresAt: future(400 * DAY) }],
    ["apiKeys.create", "mutation", { name: "k", scopes: ["orders:read"], expiresAt: "9999-12-31T23:59:59Z" }],
    ["apiKeys.create", "mutation", { name: "k", scopes: ["orders:read"], secretHash: "00" }],
    [
      "apiKeys.create",
      "mutation",
      { name: "k", scopes: ["orders:read"], tenantId: "ten_aaaaaaaaaaaaaaaaaaaa" },
    ],
    ["apiKeys.list", "query", { limit: 0 }],
    ["apiKeys.list", "query", { limit: 1.5 }],
    ["apiKeys.list", "query", { limit: -5 }],
    ["apiKeys.list", "query", { cursor: Buffer.from('["garbage","x"]').toString("base64url") }],
    ["apiKeys.revoke", "mutation", {}],
    ["apiKeys.revoke", "mutation", { keyId: "usr_aaaaaaaaaaaaaaaaaaaa" }],
    ["apiKeys.revoke", "mutation", { keyId: "key_short" }],
    ["apiKeys.revoke", "mutation", { keyId: "pfa_aaaaaaaaaaaaaaaaaaaa" }],
    ["apiKeys.revoke", "mutation", { keyId: "key_aaaaaaaaaaaaaaaaaaaa", extra: 1 }],
  ];

  /** Strings Postgres refuses, in every string field of a procedure that writes or reads them. */
  const UNSTORABLE = ["a\u0000b", "a\ud800b", "\udfff"];
  const clusterId = "cls_aaaaaaaaaaaaaaaaaaaa";
  const rule = { direction: "ingress", protocol: "tcp", cidr: "10.0.0.0/8", action: "allow" };
  const unstorable = (
    path: string,
    kind: "query" | "mutation",
    base: Record<string, unknown>,
    fields: string[],
  ) =>
    UNSTORABLE.flatMap((bad) =>
      fields.map((field): [string, "query" | "mutation", unknown] => {
        const [head, ...rest] = field.split(".");
        // One level of nesting is enough for today's inputs (firewall rule fields).
        const value = rest.length
          ? { ...base, [head as string]: [{ ...rule, [rest.join(".")]: bad }] }
          : { ...base, [field]: bad };
        return [path, kind, value];
      }),
    );
  /** A cursor that decodes to JSON but holds what the database would refuse or misread. */
  const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const FORGED_CURSORS = [
    forged(["2026-01-01T00:00:00.000Z", "cls_\u0000"]),
    forged(["+275760-09-13T00:00:00.000Z", "cls_aaaaaaaaaaaaaaaaaaaa"]),
    forged(["2026-01-01T00:00:00.000Z", "x' or '1'='1"]),
    "!!not-base64!!",
  ];
  const LISTS = [
    "clusters.list",
    "instances.list",
    "storage.list",
    "orders.list",
    "networks.list",
    "users.list",
    "apiKeys.list",
  ];
  tenantCases.push(
    ...unstorable("clusters.create", "mutation", { name: "ok", region: "eu-central-1" }, [
      "name",
      "idempotencyKey",
    ]),
    ...unstorable("instances.create", "mutation", { clusterId, name: "ok", cpuCores: 1, memoryGb: 1 }, [
      "name",
      "idempotencyKey",
    ]),
    ...unstorable("storage.create", "mutation", { clusterId, name: "ok", backend: "ceph", sizeTb: 1 }, [
      "name",
      "idempotencyKey",
    ]),
    ...unstorable("users.invite", "mutation", { email: "a@example.com" }, ["email", "displayName"]),
    ...unstorable("apiKeys.create", "mutation", { name: "k", scopes: ["orders:read"] }, ["name"]),
    ...unstorable(
      "networks.updateFirewallRules",
      "mutation",
      { networkId: "net_aaaaaaaaaaaaaaaaaaaa", rules: [rule] },
      ["idempotencyKey", "rules.description", "rules.cidr"],
    ),
    ...LISTS.flatMap((path) =>
      FORGED_CURSORS.map((cursor): [string, "query", unknown] => [path, "query", { cursor }]),
    ),
  );

  it.each(tenantCases)("%s %s %j → invalid_input (400)", async (path, kind, input) => {
    const r = await call(stack, tenantToken, kind, path, input);
    expect(r.status).toBe(400);
    expect(r.reason).toBe("invalid_input");
  });

  it.each([
    ["users.get", "query", () => ({ userId: foreign.userId })],
    ["users.updateRoles", "mutation", () => ({ userId: foreign.userId, roles: ["x"] })],
    ["users.remove", "mutation", () => ({ userId: foreign.userId })],
    ["apiKeys.revoke", "mutation", () => ({ keyId: foreign.keyId })],
  ] as const)(
    "%s %s with a well-formed id of another tenant → not_found (404)",
    async (path, kind, input) => {
      const r = await call(stack, tenantToken, kind, path, input());
      expect(r).toMatchObject({ status: 404, reason: "not_found" });
    },
  );

  const operatorCases: [string, "query" | "mutation", unknown][] = [
    ["tenants.create", "mutation", { name: "", allowedRegions: ["eu-central-1"] }],
    ["tenants.create", "mutation", { name: "x", allowedRegions: [] }],
    [
      "tenants.create",
      "mutation",
      { name: "x", allowedRegions: ["eu-central-1"], quotas: { max_clusters: -1 } },
    ],
    [
      "tenants.create",
      "mutation",
      { name: "x", allowedRegions: ["eu-central-1"], quotas: { max_clusters: 2.5 } },
    ],
    [
      "tenants.create",
      "mutation",
      { name: "x", allowedRegions: ["eu-central-1"], quotas: { max_clusters: 1e300 } },
    ],
    ["tenants.create", "mutation", { name: "x", allowedRegions: ["eu-central-1"], quotas: { max_gpus: 1 } }],
    ["tenants.get", "query", { tenantId: "usr_aaaaaaaaaaaaaaaaaaaa" }],
    ["tenants.list", "query", { limit: 1000 }],
    ["tenants.updateQuotas", "mutation", { tenantId: "ten_aaaaaaaaaaaaaaaaaaaa", quotas: { max_users: -5 } }],
    [
      "tenants.updateQuotas",
      "mutation",
      { tenantId: "ten_aaaaaaaaaaaaaaaaaaaa", quotas: { max_users: 1e12 } },
    ],
    ["tenants.updateQuotas", "mutation", { tenantId: "ten_aaaaaaaaaaaaaaaaaaaa", quotas: { bogus: 1 } }],
    ["tenants.updateQuotas", "mutation", { tenantId: "nope", quotas: {} }],
  ];

  operatorCases.push(
    ...unstorable("tenants.create", "mutation", { name: "x", allowedRegions: ["eu-central-1"] }, ["name"]),
    ...["suspend", "archive", "requestDeletion"].flatMap((t) =>
      unstorable(`tenants.${t}`, "mutation", { tenantId: "ten_aaaaaaaaaaaaaaaaaaaa", reason: "ok" }, [
        "reason",
      ]),
    ),
    ...FORGED_CURSORS.map((cursor): [string, "query", unknown] => ["tenants.list", "query", { cursor }]),
  );

  it.each(operatorCases)("%s %s %j → invalid_input (400)", async (path, kind, input) => {
    const r = await call(stack, operatorToken, kind, path, input);
    expect(r.status).toBe(400);
    expect(r.reason).toBe("invalid_input");
  });

  it.each(FORGED_CURSORS)(
    "tenants.listOrders of a tenant that exists, cursor %j → invalid_input (400)",
    async (cursor) => {
      const r = await call(stack, operatorToken, "query", "tenants.listOrders", { tenantId, cursor });
      expect(r.status).toBe(400);
      expect(r.reason).toBe("invalid_input");
    },
  );

  it("names the offending field in the issues", async () => {
    const r = await call(stack, tenantToken, "mutation", "clusters.create", {
      name: "Bad Name!",
      region: "eu-central-1",
    });
    expect(r.issues).toEqual([expect.objectContaining({ path: ["name"] })]);
  });

  it("answers malformed JSON and unknown procedures with typed errors", async () => {
    const res = await fetch(`${stack.url}/trpc/clusters.create`, {
      method: "POST",
      headers: { authorization: `Bearer ${tenantToken}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { data: { reason: string } } }).error.data.reason).toBe(
      "invalid_input",
    );
    const unknown = await call(stack, tenantToken, "query", "clusters.nope", {});
    expect(unknown).toMatchObject({ status: 404, reason: "not_found" });
  });

  it("never answers a random input with a 500", async () => {
    const shapes = [undefined, null, 0, -1, 1e308, "", "x", [], {}, { a: { b: [1, "2", null] } }, true];
    const paths: [string, "query" | "mutation"][] = [
      ["clusters.create", "mutation"],
      ["instances.create", "mutation"],
      ["storage.create", "mutation"],
      ["quotas.check", "query"],
      ["clusters.get", "query"],
      ["clusters.list", "query"],
      ["orders.get", "query"],
      ["orders.list", "query"],
      ["users.invite", "mutation"],
      ["users.get", "query"],
      ["users.list", "query"],
      ["users.updateRoles", "mutation"],
      ["users.remove", "mutation"],
      ["apiKeys.create", "mutation"],
      ["apiKeys.list", "query"],
      ["apiKeys.revoke", "mutation"],
      ["clusters.delete", "mutation"],
      ["orders.cancel", "mutation"],
      ["networks.get", "query"],
      ["networks.list", "query"],
      ["networks.updateFirewallRules", "mutation"],
    ];
    for (const [path, kind] of paths) {
      for (const a of shapes) {
        for (const b of shapes) {
          const input = {
            name: a,
            region: b,
            clusterId: a,
            orderId: b,
            limit: a,
            cursor: b,
            cpuCores: a,
            sizeTb: b,
            request: a,
            networkId: b,
            rules: a,
            dedicated: b,
          };
          const iam = { email: a, roles: b, userId: a, keyId: b, scopes: a, expiresAt: b, displayName: a };
          for (const body of [input, iam]) {
            const r = await call(stack, tenantToken, kind, path, body);
            expect(r.status, `${path} ${JSON.stringify(body)}`).toBeLessThan(500);
          }
        }
      }
    }
  });

  it("wrote nothing for any refused input", async () => {
    expect(await written(tenantId)).toEqual(before);
  });
});
