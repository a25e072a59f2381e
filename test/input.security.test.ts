import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

describe("bad input gets a typed error, never a 500", () => {
  let stack: TestStack;
  let tenantToken: string;
  let operatorToken: string;
  beforeAll(async () => {
    stack = await startStack({ workflows: recordingStarter() });
    tenantToken = (await stack.newTenant()).token;
    operatorToken = await stack.signer.operatorToken();
  });
  afterAll(async () => {
    await stack?.close();
  });

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
  ];

  it.each(tenantCases)("%s %s %j → invalid_input (400)", async (path, kind, input) => {
    const r = await call(stack, tenantToken, kind, path, input);
    expect(r.status).toBe(400);
    expect(r.reason).toBe("invalid_input");
  });

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

  it.each(operatorCases)("%s %s %j → invalid_input (400)", async (path, kind, input) => {
    const r = await call(stack, operatorToken, kind, path, input);
    expect(r.status).toBe(400);
    expect(r.reason).toBe("invalid_input");
  });

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
          };
          const r = await call(stack, tenantToken, kind, path, input);
          expect(r.status, `${path} ${JSON.stringify(input)}`).toBeLessThan(500);
        }
      }
    }
  });
});
