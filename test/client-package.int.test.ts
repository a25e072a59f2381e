import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingStarter } from "./recording-starter.ts";
import { startStack, type TestStack } from "./stack.ts";

/*
 * `@platforma/client` as an outsider gets it: packed to a tarball, installed into a project outside
 * the workspace, type-checked by that project's compiler and run against a live API.
 *
 * The install is offline and needs nothing beyond what `pnpm install` put in the workspace: the
 * tarball itself is unpacked by pnpm as any tarball dependency, and the project's `pnpm.overrides`
 * point the client's dependencies (@trpc/client, @trpc/server, eventsource, zod) at the copies
 * the workspace installed (`link:`). A plain `pnpm add <tarball> --offline` would need the
 * registry's metadata for those in pnpm's cache, which a `--frozen-lockfile` install never writes.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLIENT_DIR = join(ROOT, "packages/client");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
/** What the published declarations may import: the client's own dependencies, nothing else. */
const ALLOWED_TYPE_IMPORTS = ["@trpc/client", "@trpc/server", "eventsource", "zod"];

let work: string;
let project: string;
let tarball: string;
let stack: TestStack;

async function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return run(cmd, args, { cwd, env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
}

/** The package a specifier names: `@trpc/server/rpc` → `@trpc/server`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "platforma-client-package-"));
  const packDir = join(work, "pack");
  project = join(work, "project");
  await mkdir(packDir);
  await mkdir(project);

  // `prepack` builds dist/ (tsdown), and pnpm applies `publishConfig` to the packed manifest.
  await sh("pnpm", ["pack", "--pack-destination", packDir], CLIENT_DIR);
  const [file] = (await readdir(packDir)).filter((f) => f.endsWith(".tgz"));
  if (!file) throw new Error(`pnpm pack wrote no tarball to ${packDir}`);
  tarball = join(packDir, file);

  const clientManifest = JSON.parse(await readFile(join(CLIENT_DIR, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const overrides: Record<string, string> = {};
  for (const dep of Object.keys(clientManifest.dependencies)) {
    overrides[dep] = `link:${await realpath(join(CLIENT_DIR, "node_modules", dep))}`;
  }
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({
      name: "client-package-scratch",
      private: true,
      type: "module",
      dependencies: { "@platforma/client": `file:${tarball}` },
      devDependencies: { "@types/node": `link:${await realpath(join(ROOT, "node_modules/@types/node"))}` },
      pnpm: { overrides },
    }),
  );
  // A store and cache of its own: nothing of this project lands in the user's, and nothing is
  // found there either. CI sets CI=true, which makes pnpm refuse to write a lockfile by default.
  await sh(
    "pnpm",
    [
      "install",
      "--offline",
      "--no-frozen-lockfile",
      "--store-dir",
      join(work, "store"),
      "--cache-dir",
      join(work, "cache"),
      "--reporter=append-only",
    ],
    project,
  );

  stack = await startStack({ workflows: recordingStarter() });
}, 420_000);

afterAll(async () => {
  await stack?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the packed @platforma/client", () => {
  it("holds only the build, the README and the changelog, and exports types and ESM from dist", async () => {
    const { stdout } = await sh("tar", ["-tzf", tarball], work);
    expect(stdout.trim().split("\n").sort()).toEqual([
      "package/CHANGELOG.md",
      "package/README.md",
      "package/dist/index.d.mts",
      "package/dist/index.mjs",
      "package/package.json",
    ]);
    const installed = join(project, "node_modules/@platforma/client");
    const manifest = JSON.parse(await readFile(join(installed, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(manifest["private"]).toBeUndefined();
    expect(manifest["exports"]).toEqual({
      ".": { types: "./dist/index.d.mts", import: "./dist/index.mjs" },
      "./package.json": "./package.json",
    });
    expect(Object.keys(manifest["dependencies"] as object).sort()).toEqual(ALLOWED_TYPE_IMPORTS);
  });

  it("declares its types in one file that imports nothing but the client's dependencies", async () => {
    const installed = join(project, "node_modules/@platforma/client/dist");
    for (const file of ["index.d.mts", "index.mjs"]) {
      const text = await readFile(join(installed, file), "utf8");
      const specifiers = [
        ...text.matchAll(/\bfrom\s+["']([^"']+)["']/g),
        ...text.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g),
        ...text.matchAll(/^\s*import\s+["']([^"']+)["']/gm),
        ...text.matchAll(/declare\s+module\s+["']([^"']+)["']/g),
      ].map((m) => m[1] ?? "");
      expect(specifiers.length, file).toBeGreaterThan(0);
      const outside = specifiers.filter((s) => !ALLOWED_TYPE_IMPORTS.includes(packageOf(s)));
      expect(outside, `${file} imports ${outside.join(", ")}`).toEqual([]);
      // Comments may name the server; declarations and imports may not.
      const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
      expect(code).not.toMatch(/@platforma\/|drizzle|@temporalio|fastify|\bjose\b|from "pg"/);
    }
  });

  it("type-checks correct calls, and refuses a wrong field, a wrong type and an unknown error reason", async () => {
    const files: Record<string, string> = {
      "ok.ts": `
import { createPlatformaClient, errorDataOf, type ErrorReason, type PlatformaClient } from "@platforma/client";

const client: PlatformaClient = createPlatformaClient({ url: "http://127.0.0.1:3000", token: () => "token" });

export async function placeCluster(): Promise<string> {
  const { cluster, order } = await client.clusters.create.mutate({ name: "web", region: "eu-central-1" });
  const again = await client.orders.get.query({ orderId: order.id });
  const { quotas } = await client.quotas.get.query();
  const page = await client.clusters.list.query({ limit: 10 });
  const sub = client.events.subscribe.subscribe(
    { types: ["cluster.ready.v1"] },
    { onData: ({ id, data }) => void [id.length, data.type.length, data.time.length] },
  );
  sub.unsubscribe();
  return [cluster.id, again.state, quotas.length, page.items.length].join();
}

export function reasonOf(err: unknown): ErrorReason | "none" {
  const data = errorDataOf(err);
  if (data?.reason === "quota_exceeded") return data.violations?.[0]?.quota === "max_clusters" ? data.reason : "none";
  return data?.reason ?? "none";
}
`,
      "bad-field.ts": `
import { createPlatformaClient } from "@platforma/client";
const client = createPlatformaClient({ url: "http://127.0.0.1:3000", token: "token" });
export const placed = client.clusters.create.mutate({ name: "web", regoin: "eu-central-1" });
`,
      "bad-type.ts": `
import { createPlatformaClient } from "@platforma/client";
const client = createPlatformaClient({ url: "http://127.0.0.1:3000", token: "token" });
export const placed = client.clusters.create.mutate({ name: "web", region: 42 });
`,
      "bad-reason.ts": `
import { errorDataOf } from "@platforma/client";
export const isIt = (err: unknown) => errorDataOf(err)?.reason === "not_a_reason";
`,
    };
    for (const [name, text] of Object.entries(files)) await writeFile(join(project, name), text);
    await writeFile(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          types: ["node"],
          // The declarations are checked too: a broken bundle fails here, not only in editors.
          skipLibCheck: false,
        },
        files: Object.keys(files),
      }),
    );
    const outcome = await sh(
      process.execPath,
      [TSC, "-p", "tsconfig.json", "--pretty", "false"],
      project,
    ).catch((err: { stdout?: string; stderr?: string }) => err);
    const output = `${outcome.stdout ?? ""}${outcome.stderr ?? ""}`;
    const diagnostics = [...output.matchAll(/^(\S+?)\(\d+,\d+\): error (TS\d+): (.*)$/gm)].map(
      ([, file, code, message]) => ({ file, code, message }),
    );
    const byFile = (file: string) => diagnostics.filter((d) => d.file === file);

    // Nothing else failed: the only errors are the three planted ones.
    expect(diagnostics.length, output).toBe(3);
    expect(byFile("ok.ts"), output).toEqual([]);
    expect(byFile("bad-field.ts"), output).toEqual([
      expect.objectContaining({
        code: expect.stringMatching(/^TS(2353|2561)$/),
        message: expect.stringContaining("'regoin'"),
      }),
    ]);
    expect(byFile("bad-type.ts"), output).toEqual([
      { file: "bad-type.ts", code: "TS2322", message: "Type 'number' is not assignable to type 'string'." },
    ]);
    expect(byFile("bad-reason.ts"), output).toEqual([
      expect.objectContaining({ code: "TS2367", message: expect.stringContaining('"not_a_reason"') }),
    ]);
  }, 240_000);

  it("calls a live API from plain JavaScript: answers and typed refusals come back as the API sends them", async () => {
    const { tenantId, token } = await stack.newTenant();
    await writeFile(
      join(project, "main.mjs"),
      `
import { createPlatformaClient, errorDataOf, TRPCClientError } from "@platforma/client";

const refusalOf = (err) => ({ isClientError: err instanceof TRPCClientError, ...errorDataOf(err) });
const admin = createPlatformaClient({ url: process.env.PLATFORMA_URL, token: process.env.PLATFORMA_TOKEN });
const health = await admin.health.query();
const { apiKey, plaintextKey } = await admin.apiKeys.create.mutate({ name: "from-tarball", scopes: ["quotas:read"] });
// The key just made, as a token supplied per request.
const reader = createPlatformaClient({ url: process.env.PLATFORMA_URL, token: async () => plaintextKey, batch: false });
const { quotas } = await reader.quotas.get.query();
const missingScope = await reader.apiKeys.list.query({}).then(() => null, refusalOf);
const invalidInput = await admin.orders.get.query({ orderId: "not-an-order-id" }).then(() => null, refusalOf);
process.stdout.write(JSON.stringify({ health, apiKey, quotas, missingScope, invalidInput }));
`,
    );
    const { stdout } = await sh(process.execPath, ["main.mjs"], project, {
      PATH: process.env["PATH"],
      PLATFORMA_URL: stack.url,
      PLATFORMA_TOKEN: token,
    });
    interface Refusal {
      isClientError: boolean;
      reason: string;
      httpStatus: number;
      issues?: unknown[];
      requestId: string;
    }
    const result = JSON.parse(stdout) as {
      health: unknown;
      apiKey: { id: string; name: string; scopes: string[]; status: string };
      quotas: { quota: string; used: number }[];
      missingScope: Refusal | null;
      invalidInput: Refusal | null;
    };
    expect(result.health).toEqual({ ok: true });
    expect(result.apiKey).toMatchObject({ name: "from-tarball", scopes: ["quotas:read"], status: "active" });
    expect(result.apiKey.id).toMatch(/^key_/);
    expect(result.quotas.find((q) => q.quota === "max_api_keys")?.used).toBe(1);
    expect(result.missingScope).toMatchObject({
      isClientError: true,
      reason: "missing_scope",
      httpStatus: 403,
    });
    expect(result.invalidInput).toMatchObject({
      isClientError: true,
      reason: "invalid_input",
      httpStatus: 400,
    });
    expect(result.invalidInput?.issues?.length).toBeGreaterThan(0);
    expect(result.invalidInput?.requestId).toMatch(/\S/);
    await stack.expectInvariants([tenantId]);
  }, 120_000);
});
