import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLocalJWKSet, exportJWK, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId, TOPICS, type TenantId } from "@platforma/contracts";
import { ensureTopics } from "@platforma/events";
import { testEnv } from "./env.ts";
import { lifecycleIdle } from "./lifecycle-fixtures.ts";
import { startStack, type TestStack } from "./stack.ts";
import { TEST_AUDIENCE, TEST_ISSUER } from "./tokens.ts";
import { freePort as closedPort } from "@platforma/events/testing";

/*
 * `./platforma` as an operator runs it: a child process in a shell that has nothing on PATH but
 * /usr/bin:/bin (no Node 24, no pnpm), pointed at the live stack with PLATFORMA_URL / PLATFORMA_TOKEN.
 */

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PLATFORMA = join(ROOT, "platforma");
const BARE_PATH = "/usr/bin:/bin";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string | undefined>, cwd = tmpdir()): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(PLATFORMA, args, {
      cwd,
      env: { PATH: BARE_PATH, HOME: process.env["HOME"], ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.trimEnd().split("\n");

describe("./platforma, the operator CLI, against a live stack", () => {
  let stack: TestStack;
  let operatorToken: string;
  /** No key set in it: the CLI cannot mint a token of its own. */
  let emptyKeysDir: string;
  /** The stack's own signing key as a local key set: what the CLI mints from it, the stack trusts. */
  let trustedKeysDir: string;
  const cliTenants: TenantId[] = [];

  /** As an operator holding a token: PLATFORMA_URL and PLATFORMA_TOKEN. */
  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    run(args, {
      PLATFORMA_URL: stack.url,
      PLATFORMA_TOKEN: operatorToken,
      DEV_KEYS_DIR: emptyKeysDir,
      ...env,
    });
  const cliJson = async <T>(args: string[], env: Record<string, string | undefined> = {}): Promise<T> => {
    const r = await cli([...args, "--output", "json"], env);
    expect(r, r.stderr).toMatchObject({ code: 0 });
    return JSON.parse(r.stdout) as T;
  };

  beforeAll(async () => {
    stack = await startStack({ worker: true });
    operatorToken = await stack.signer.operatorToken();
    emptyKeysDir = await mkdtemp(join(tmpdir(), "platforma-cli-nokeys-"));
    trustedKeysDir = await mkdtemp(join(tmpdir(), "platforma-cli-keys-"));
    const privateJwk = { ...(await exportJWK(stack.signer.privateKey)), kid: stack.signer.kid, alg: "EdDSA" };
    await writeFile(join(trustedKeysDir, "dev-signing-key.jwk.json"), JSON.stringify(privateJwk));
    await writeFile(join(trustedKeysDir, "dev-jwks.json"), JSON.stringify(stack.signer.jwks));
  });
  afterAll(async () => {
    try {
      await stack?.expectInvariants();
      await stack?.expectInvariants(cliTenants);
    } finally {
      await stack?.close();
      for (const dir of [emptyKeysDir, trustedKeysDir])
        if (dir) await rm(dir, { recursive: true, force: true });
    }
  });

  it("creates a tenant and lists it: a table for people, JSON for scripts", async () => {
    const created = await cliJson<{ id: TenantId; state: string; allowedRegions: string[]; quotas: object }>([
      "tenants",
      "create",
      "--name",
      "cli made",
      "--region",
      "eu-central-1,us-east-1",
      "--quota",
      "max_clusters=3",
      "max_users=9",
    ]);
    cliTenants.push(created.id);
    expect(created).toMatchObject({
      state: "active",
      allowedRegions: ["eu-central-1", "us-east-1"],
      quotas: { max_clusters: 3, max_users: 9, max_instances: 500 },
    });

    const listed = await cli(["tenants", "list"]);
    expect(listed.code).toBe(0);
    const [header, ...rows] = lines(listed.stdout);
    expect(header).toMatch(/^ID {3,}NAME {3,}STATE {3,}REGIONS {3,}CREATED$/);
    expect(rows.find((row) => row.startsWith(created.id))).toMatch(
      new RegExp(
        `^${created.id} {3,}cli made {3,}active {3,}eu-central-1,us-east-1 {3,}\\d{4}-\\d\\d-\\d\\dT[\\d:]{8}Z$`,
      ),
    );
    const all = await cliJson<{ id: string }[]>(["tenants", "list"]);
    expect(all.map((t) => t.id)).toContain(created.id);

    const two = await cli(["tenants", "list", "--limit", "2"]);
    expect(lines(two.stdout)).toHaveLength(3);

    // For shell scripts: `TENANT=$(./platforma tenants create … -o id)`.
    const byId = await cli(["tenants", "create", "--name", "cli id", "--region", "eu-central-1", "-o", "id"]);
    expect(byId, byId.stderr).toMatchObject({ code: 0 });
    expect(byId.stdout).toMatch(/^ten_\w+\n$/);
    cliTenants.push(byId.stdout.trim() as TenantId);
    const ids = await cli(["tenants", "list", "-o", "id"]);
    expect(lines(ids.stdout)).toEqual(expect.arrayContaining([created.id, byId.stdout.trim()]));
    expect(lines(ids.stdout).every((line) => /^ten_\w+$/.test(line))).toBe(true);
  });

  it("describes a tenant like `kubectl describe quota`: state, regions, then Resource / Used / Hard", async () => {
    const { tenantId, client } = await stack.newTenant({ quotas: { max_clusters: 3 } });
    await client.clusters.create.mutate({ name: "web", region: "eu-central-1" });

    const described = await cli(["tenants", "describe", tenantId]);
    expect(described, described.stderr).toMatchObject({ code: 0 });
    const out = described.stdout;
    expect(out).toMatch(new RegExp(`^ID: +${tenantId}$`, "m"));
    expect(out).toMatch(/^State: +active$/m);
    expect(out).toMatch(/^Regions: +eu-central-1, us-east-1$/m);
    expect(out).toMatch(/^Transition: +-$/m);
    expect(out).toMatch(/^Resource {3,}Used {3,}Hard\n-{8} {3,}-{4} {3,}-{4}$/m);
    expect(out).toMatch(/^max_clusters {3,}1 {3,}3$/m);
    expect(out).toMatch(/^max_users {3,}0 {3,}200$/m);

    const json = await cliJson<{ state: string; usage: object[] }>(["tenants", "describe", tenantId]);
    expect(json.state).toBe("active");
    expect(json.usage).toContainEqual({ quota: "max_clusters", used: 1, limit: 3, headroom: 2 });
  });

  it("sets quotas, and refuses a quota it does not know before calling", async () => {
    const { tenantId } = await stack.newTenant();
    const set = await cli(["tenants", "set-quota", tenantId, "max_clusters=5", "max_users=7"]);
    expect(set, set.stderr).toMatchObject({ code: 0 });
    expect(set.stdout).toMatch(/^Resource {3,}Hard$/m);
    expect(set.stdout).toMatch(/^max_clusters {3,}5$/m);
    expect(set.stdout).toMatch(/^max_users {3,}7$/m);
    const { usage } = await cliJson<{ usage: { quota: string; limit: number }[] }>([
      "tenants",
      "describe",
      tenantId,
    ]);
    expect(usage.find((u) => u.quota === "max_users")?.limit).toBe(7);

    const unknown = await cli(["tenants", "set-quota", tenantId, "max_gpus=1"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown quota max_gpus/);
  });

  it("sets a tenant's request rate, and puts it back to the default", async () => {
    const { tenantId } = await stack.newTenant();
    const set = await cli(["tenants", "set-rate", tenantId, "--per-second", "2.5", "--burst", "10"]);
    expect(set, set.stderr).toMatchObject({ code: 0 });
    expect(lines(set.stdout)[1]).toMatch(new RegExp(`^${tenantId} {3,}2\\.5 {3,}10$`));
    const back = await cliJson<{ requestRate: object }>([
      "tenants",
      "set-rate",
      tenantId,
      "--burst",
      "default",
    ]);
    expect(back.requestRate).toEqual({ perSecond: 2.5, burst: null });
    for (const args of [["--per-second", "0"], ["--burst", "1.5"], []]) {
      const r = await cli(["tenants", "set-rate", tenantId, ...args]);
      expect(r.code, args.join(" ")).toBe(2);
    }
  });

  it("walks a tenant through suspend, resume, delete, cancel-deletion, archive and restore", async () => {
    const { tenantId } = await stack.newTenant();
    const state = async (args: string[]) =>
      (await cliJson<{ state: string; purgeAfter: string | null }>(["tenants", ...args])).state;

    const noReason = await cli(["tenants", "suspend", tenantId]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--reason/);

    const suspended = await cli(["tenants", "suspend", tenantId, "--reason", "unpaid invoice"]);
    expect(suspended, suspended.stderr).toMatchObject({ code: 0 });
    expect(lines(suspended.stdout)).toEqual([
      expect.stringMatching(/^ID {3,}NAME {3,}STATE {3,}TRANSITION$/),
      expect.stringMatching(new RegExp(`^${tenantId} {3,}.+ {3,}suspended {3,}-$`)),
    ]);
    expect(await state(["resume", tenantId])).toBe("active");

    const deleted = await cliJson<{ state: string; purgeAfter: string }>([
      "tenants",
      "delete",
      tenantId,
      "--retention-days",
      "30",
    ]);
    expect(deleted.state).toBe("deleted");
    expect(Date.parse(deleted.purgeAfter) - Date.now()).toBeGreaterThan(29 * 24 * 3600_000);
    expect(await state(["cancel-deletion", tenantId])).toBe("active");

    expect(await state(["archive", tenantId, "--reason", "contract ended"])).toBe("archived");
    await lifecycleIdle(stack, tenantId);
    expect(await state(["restore", tenantId])).toBe("active");

    // Already active: the API refuses, and the CLI says why.
    const again = await cli(["tenants", "resume", tenantId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: invalid_transition: /);
  });

  it("lists a tenant's orders for the operator", async () => {
    const { tenantId, client } = await stack.newTenant();
    const { order } = await client.clusters.create.mutate({ name: "api", region: "eu-central-1" });

    const listed = await cli(["orders", "list", "--tenant", tenantId]);
    expect(listed, listed.stderr).toMatchObject({ code: 0 });
    const [header, ...rows] = lines(listed.stdout);
    expect(header).toMatch(/^ID {3,}KIND {3,}STATE {3,}CREATED {3,}UPDATED {3,}ERROR$/);
    expect(rows).toEqual([expect.stringMatching(new RegExp(`^${order.id} {3,}\\S+ {3,}\\S+ {3,}`))]);

    const json = await cliJson<{ id: string }[]>(["orders", "list", "--tenant", tenantId]);
    expect(json.map((o) => o.id)).toEqual([order.id]);

    const missing = await cli(["orders", "list"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--tenant/);
  });

  it("manages a tenant's API keys as the tenant: with its credential, or minted for --tenant", async () => {
    const { tenantId, token } = await stack.newTenant();
    const asTenant = { PLATFORMA_TOKEN: token };
    const created = await cliJson<{ apiKey: { id: string; scopes: string[] }; plaintextKey: string }>(
      ["api-keys", "create", "--name", "ci", "--scope", "orders:read,quotas:read"],
      asTenant,
    );
    expect(created.apiKey.scopes).toEqual(["orders:read", "quotas:read"]);
    expect(created.plaintextKey.length).toBeGreaterThan(20);

    // The key itself is a credential the CLI takes.
    const withKey = await cli(["orders", "list", "--tenant", tenantId], {
      PLATFORMA_TOKEN: created.plaintextKey,
    });
    expect(withKey.code).toBe(1);
    expect(withKey.stderr).toMatch(/^error: missing_scope: /);

    const minted = {
      PLATFORMA_TOKEN: undefined,
      DEV_KEYS_DIR: trustedKeysDir,
      AUTH_ISSUER: TEST_ISSUER,
      AUTH_AUDIENCE: TEST_AUDIENCE,
    };
    const listed = await cli(["api-keys", "list", "--tenant", tenantId], minted);
    expect(listed, listed.stderr).toMatchObject({ code: 0 });
    expect(listed.stdout).toMatch(
      new RegExp(`^${created.apiKey.id} {3,}ci {3,}active {3,}orders:read quotas:read`, "m"),
    );

    const revoked = await cliJson<{ status: string }>(["api-keys", "revoke", created.apiKey.id], asTenant);
    expect(revoked.status).toBe("revoked");

    const operatorOnly = await cli(["api-keys", "list"], { PLATFORMA_TOKEN: undefined });
    expect(operatorOnly.code).toBe(2);
  });

  it("mints its own operator token from the local key set when it is given none", async () => {
    const { tenantId } = await stack.newTenant();
    const minted = {
      PLATFORMA_TOKEN: undefined,
      DEV_KEYS_DIR: trustedKeysDir,
      AUTH_ISSUER: TEST_ISSUER,
      AUTH_AUDIENCE: TEST_AUDIENCE,
    };
    const described = await cli(["tenants", "describe", tenantId], minted);
    expect(described, described.stderr).toMatchObject({ code: 0 });

    const none = await cli(["tenants", "describe", tenantId], { PLATFORMA_TOKEN: undefined });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no credential/);
  });

  it("exits 1 with the reason for an API error, 2 for a usage error, 3 when the API is unreachable", async () => {
    const unknownTenant = await cli(["tenants", "describe", newId("tenant")]);
    expect(unknownTenant.code).toBe(1);
    expect(unknownTenant.stdout).toBe("");
    expect(unknownTenant.stderr).toMatch(
      /^error: not_found: tenant ten_\w+ not found\n {2}request id: [0-9a-f-]{36}\n$/,
    );

    const refused = await cli(["tenants", "create", "--name", "x", "--region", "nowhere"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: invalid_input\n {2}allowedRegions\.0: must look like eu-central-1\n/,
    );

    const badToken = await cli(["tenants", "list"], { PLATFORMA_TOKEN: "not-a-token" });
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toMatch(/^error: invalid_token: /);

    for (const args of [
      ["tenants", "list", "--bogus"],
      ["tenants", "describe", "not-an-id"],
      ["tenants", "list", "--output", "yaml"],
      ["tenants", "frobnicate"],
      ["tenants"],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/error|Usage/);
    }

    const unreachable = await cli(["tenants", "list"], {
      PLATFORMA_URL: `http://127.0.0.1:${await closedPort()}`,
    });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/unreachable.*ECONNREFUSED/);

    // A path the API does not serve: its typed 404 comes through as the reason.
    const notTheApi = await cli(["tenants", "list"], { PLATFORMA_URL: `${stack.url}/elsewhere` });
    expect(notTheApi.code).toBe(1);
    expect(notTheApi.stderr).toMatch(/^error: not_found: /);

    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:/);
  });
});

describe("./platforma token in a new shell", () => {
  it("mints an operator token with nothing but /usr/bin:/bin on PATH, from any directory", async () => {
    const keysDir = await mkdtemp(join(tmpdir(), "platforma-cli-token-"));
    try {
      const env = { PATH: BARE_PATH, DEV_KEYS_DIR: keysDir };
      const r = await run(["token", "--operator"], env, "/");
      expect(r, r.stderr).toMatchObject({ code: 0 });
      expect(lines(r.stdout)).toHaveLength(1);
      const jwks = createLocalJWKSet(JSON.parse(await readFile(join(keysDir, "dev-jwks.json"), "utf8")));
      const { payload, protectedHeader } = await jwtVerify(r.stdout.trim(), jwks, {
        issuer: "https://auth.platforma.local",
        audience: "platforma-api",
      });
      expect(protectedHeader.typ).toBe("at+jwt");
      expect(payload.sub).toBe("usr_operator");
      expect(String(payload["scope"]).split(" ")).toContain("platform:admin");

      const tenantId = newId("tenant");
      const tenant = await run(["token", "--tenant", tenantId, "--scopes", "orders:read"], env);
      const claims = (await jwtVerify(tenant.stdout.trim(), jwks)).payload;
      expect(claims).toMatchObject({ tenant_id: tenantId, scope: "orders:read" });

      expect((await run(["token"], env)).code).toBe(2);
      expect((await run(["token", "--operator", "--tenant", tenantId], env)).code).toBe(2);
    } finally {
      await rm(keysDir, { recursive: true, force: true });
    }
  });
});

describe("./platforma's tool pass-throughs", () => {
  it("kafka topics --list lists the platform's topics on the broker", async () => {
    await ensureTopics(testEnv.kafkaBrokers);
    const r = await run(["kafka", "topics", "--list"], { KAFKA_BROKERS: testEnv.kafkaBrokers.join(",") });
    expect(r, r.stderr).toMatchObject({ code: 0 });
    expect(lines(r.stdout)).toEqual(expect.arrayContaining(Object.values(TOPICS)));
  });

  it("kafka without a known tool is a usage error", async () => {
    const r = await run(["kafka", "produce-everything"], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^usage: platforma kafka topics\|consume\|groups/);
  });

  it("temporal … is the Temporal CLI", async () => {
    const r = await run(["temporal", "operator", "namespace", "describe", "-n", "default", "-o", "json"], {
      TEMPORAL_ADDRESS: testEnv.temporalAddress,
    });
    expect(r, r.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(r.stdout)).toMatchObject({ namespaceInfo: { name: "default" } });
  });
});
