import { execFile, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "./eventually.ts";
import { testEnv } from "./env.ts";
import { createTestSigner } from "./tokens.ts";
import { freePort } from "@platforma/events/testing";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The Dockerfile's stages, each as its instructions (`RUN`, `COPY`, …) with their arguments. */
async function dockerfileStages(): Promise<{ from: string; steps: { op: string; args: string }[] }[]> {
  const text = (await readFile(join(ROOT, "Dockerfile"), "utf8")).replace(/\\\n/g, " ");
  const args = new Map<string, string>();
  const stages: { from: string; steps: { op: string; args: string }[] }[] = [];
  for (const line of text.split("\n").map((l) => l.trim())) {
    if (line === "" || line.startsWith("#")) continue;
    const [, op = "", rest = ""] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (op === "ARG" && stages.length === 0) {
      const [name = "", value = ""] = rest.split("=");
      args.set(name, value);
    } else if (op === "FROM") {
      const image = rest.split(/\s+/)[0] ?? "";
      stages.push({
        from: image.replace(/^\$\{(\w+)\}$/, (_, name: string) => args.get(name) ?? ""),
        steps: [],
      });
    } else {
      stages.at(-1)?.steps.push({ op, args: rest });
    }
  }
  return stages;
}

/** What the Docker build context holds: the tracked (and not ignored) files, without .git. */
async function copyBuildContext(to: string): Promise<void> {
  const { stdout } = await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const file of stdout.split("\0").filter(Boolean)) {
    const from = join(ROOT, file);
    // A file deleted in the work tree but still in the index is not in the context either.
    if (!(await stat(from).catch(() => null))?.isFile()) continue;
    await mkdir(dirname(join(to, file)), { recursive: true });
    await cp(from, join(to, file), { verbatimSymlinks: true });
  }
}

async function filesUnder(dir: string, skip: (name: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (skip(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path, skip)));
    else out.push(path);
  }
  return out;
}

describe("the Dockerfile", () => {
  it("pins its base image, runs as a non-root user, has a HEALTHCHECK and builds only through the shared script", async () => {
    const stages = await dockerfileStages();
    expect(stages).toHaveLength(2);
    for (const stage of stages) expect(stage.from).toMatch(/^node:24\.\d+\.\d+-[a-z]+-slim$/);
    const nodeVersion = (await readFile(join(ROOT, ".node-version"), "utf8")).trim();
    expect(stages[0]?.from.split(":")[1]?.split(".")[0]).toBe(nodeVersion.split(".")[0]);

    const [build, runtime] = stages;
    // These two are what the build test below runs: a build step added elsewhere would go untested.
    expect(build?.steps.filter((s) => s.op === "RUN").map((s) => s.args)).toEqual([
      "npm install --global pnpm@10.34.9",
      "pnpm fetch --prod",
      "bash scripts/build-image.sh",
    ]);
    const runtimeOps = runtime?.steps.map((s) => s.op) ?? [];
    expect(runtimeOps).not.toContain("RUN");
    expect(runtime?.steps.find((s) => s.op === "USER")?.args).toBe("node");
    expect(runtimeOps).toContain("HEALTHCHECK");
  });
});

describe("the image's build steps, in a clean copy of the tree", () => {
  let dir: string;
  let app: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "platforma-image-"));
    app = join(dir, "app");
    await mkdir(app);
    await copyBuildContext(app);
    const env = { ...process.env, CI: "true" };
    // The Dockerfile's build stage, in order (its first RUN installs pnpm, which CI already has).
    await run("pnpm", ["fetch", "--prod"], { cwd: app, env, maxBuffer: 16 * 1024 * 1024 });
    await run("bash", ["scripts/build-image.sh"], { cwd: app, env, maxBuffer: 16 * 1024 * 1024 });
  }, 600_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("leaves no tests, benchmarks or dev dependencies, and the workflow bundle", async () => {
    expect((await stat(join(app, "dist/workflow-bundle.js"))).size).toBeGreaterThan(0);
    for (const gone of ["test", "bench", "docs"]) {
      expect(await stat(join(app, gone)).catch(() => null)).toBeNull();
    }
    const sources = await filesUnder(app, (name) => name === "node_modules");
    expect(sources.filter((f) => /\.test\.ts$/.test(f))).toEqual([]);
    const store = await readdir(join(app, "node_modules/.pnpm"));
    for (const devOnly of ["vitest@", "eslint@", "prettier@", "@vitest+"]) {
      expect(store.filter((name) => name.startsWith(devOnly))).toEqual([]);
    }
  });

  /**
   * Starts one app from the built tree as the image would (its own environment only), waits until
   * `/readyz` answers 200, runs the image's HEALTHCHECK script against it, then sends SIGTERM.
   * Resolves with everything it printed once it has exited 0.
   */
  async function startStopFromImage(
    main: string,
    env: Record<string, string>,
    port: number,
  ): Promise<string> {
    const child = spawn(process.execPath, [main], {
      cwd: app,
      env: {
        PATH: process.env["PATH"] ?? "",
        NODE_ENV: "production",
        LOG_LEVEL: "info",
        SHUTDOWN_GRACE_MS: "1000",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await eventually(
        async () => {
          if (child.exitCode !== null) throw new Error(`${main} exited ${child.exitCode}: ${output}`);
          expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      const probePort = env["HEALTH_PORT"] ? { HEALTH_PORT: String(port) } : { PORT: String(port) };
      const healthcheck = await run(process.execPath, ["scripts/healthcheck.ts"], {
        cwd: app,
        env: { PATH: process.env["PATH"] ?? "", ...probePort },
      }).then(
        () => 0,
        (err: { code?: number }) => err.code ?? -1,
      );
      expect(healthcheck).toBe(0);
      child.kill("SIGTERM");
      expect(await exit).toBe(0);
      expect(output).toContain('"msg":"stopped"');
      return output;
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }

  it("starts a worker that loads the prebuilt bundle, answers its probes and the HEALTHCHECK, and stops on SIGTERM", async () => {
    const port = await freePort();
    const bundle = join(app, "dist/workflow-bundle.js");
    const output = await startStopFromImage(
      "apps/worker/src/main.ts",
      {
        DATABASE_URL: testEnv.databaseUrl,
        DATABASE_SYSTEM_URL: testEnv.systemDatabaseUrl,
        TEMPORAL_ADDRESS: testEnv.temporalAddress,
        TEMPORAL_TASK_QUEUE: `test-image-${globalThis.crypto.randomUUID()}`,
        QUOTA_RECONCILE_INTERVAL_SECONDS: "0",
        STORAGE_DIR: join(dir, "objects"),
        HEALTH_PORT: String(port),
        WORKFLOW_BUNDLE_PATH: bundle,
      },
      port,
    );
    expect(output).toContain(`"bundle":"${bundle}"`);
    // A worker without the bundle would have run webpack at start-up.
    expect(output).not.toContain("Workflow bundle created");
  });

  it("starts the api, relay and audit on production dependencies alone, each ready, each stopping on SIGTERM", async () => {
    const signer = await createTestSigner();
    const jwks = join(dir, "jwks.json");
    await writeFile(jwks, JSON.stringify(signer.jwks));
    const apiPort = await freePort();
    await startStopFromImage(
      "apps/api/src/main.ts",
      {
        DATABASE_URL: testEnv.databaseUrl,
        DATABASE_SYSTEM_URL: testEnv.systemDatabaseUrl,
        TEMPORAL_ADDRESS: testEnv.temporalAddress,
        AUTH_JWKS_FILE: jwks,
        HOST: "127.0.0.1",
        PORT: String(apiPort),
      },
      apiPort,
    );
    const relayPort = await freePort();
    await startStopFromImage(
      "apps/relay/src/main.ts",
      {
        DATABASE_SYSTEM_URL: testEnv.systemDatabaseUrl,
        KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
        HEALTH_PORT: String(relayPort),
      },
      relayPort,
    );
    const auditPort = await freePort();
    await startStopFromImage(
      "apps/audit/src/main.ts",
      {
        KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
        AUDIT_GROUP_ID: `test-image-${globalThis.crypto.randomUUID()}`,
        STORAGE_DIR: join(dir, "audit-objects"),
        HEALTH_PORT: String(auditPort),
      },
      auditPort,
    );
  });
});
