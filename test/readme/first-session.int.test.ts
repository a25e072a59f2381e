import { spawn, type ChildProcess } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readmeBlocks, shellCommands } from "./readme-blocks.ts";
import { freePort } from "@platforma/events/testing";

/*
 * The README's first session, as a new user runs it: `bash scripts/dev.sh` and then every command
 * of "A first session", taken from README.md itself, in a shell whose environment is only HOME and
 * PATH=/usr/bin:/bin (no Node 24, no pnpm, no service addresses). The one liberty: the API listens
 * on a free port rather than 3000, so a developer's own `dev.sh` does not collide with the test;
 * `127.0.0.1:3000` / `localhost:3000` in the commands is rewritten to it, and PLATFORMA_URL is set.
 *
 * It runs on its own, after the main suite (scripts/test.sh), because dev.sh's relay and worker
 * serve the shared database and task queue that other suites measure.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const README = join(ROOT, "README.md");
const BARE = { HOME: process.env["HOME"] ?? "/root", PATH: "/usr/bin:/bin" };
/** Where the scripts put the local services: the same ones the suite was started with. */
const SERVICE_PORTS = Object.fromEntries(
  Object.entries(process.env).filter(([name, value]) => /_PORT$/.test(name) && name !== "PORT" && value),
);

interface Output {
  text: string;
  exited: Promise<number | null>;
}

function collect(child: ChildProcess): Output {
  const output: Output = {
    text: "",
    exited: new Promise((resolve) => child.on("close", (code) => resolve(code))),
  };
  child.stdout?.on("data", (chunk: Buffer) => (output.text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output.text += chunk.toString()));
  return output;
}

async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("the README's first session, in a new shell", () => {
  const port = freePort();
  let dev: ChildProcess | undefined;
  let devOutput: Output;
  const snippet = join(ROOT, "first-session.ts");
  const onPort = async (text: string) =>
    text.replace(/\b(?:localhost|127\.0\.0\.1):3000\b/g, `127.0.0.1:${await port}`);

  beforeAll(async () => {
    const [runBlock] = readmeBlocks(README, "## The two commands", "sh");
    const [runCommand] = shellCommands(runBlock ?? "");
    expect(runCommand).toBe("bash scripts/dev.sh");
    const [shell, ...args] = (runCommand ?? "").split(" ");
    dev = spawn(shell ?? "bash", args, {
      cwd: ROOT,
      env: { ...BARE, ...SERVICE_PORTS, PORT: String(await port) },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    devOutput = collect(dev);
    await until(
      () => devOutput.text.includes("PLATFORMA is running") || dev?.exitCode !== null,
      600_000,
      () => `dev.sh to say it is running:\n${devOutput.text}`,
    );
  }, 660_000);

  afterAll(async () => {
    await rm(snippet, { force: true });
    if (dev?.pid && dev.exitCode === null) process.kill(-dev.pid, "SIGKILL");
  });

  it("dev.sh prints the API and Web UI URLs and how to get a token", async () => {
    expect(devOutput.text).toContain(`API (tRPC)        http://127.0.0.1:${await port}/trpc`);
    expect(devOutput.text).toMatch(/Temporal Web UI {3}http:\/\/127\.0\.0\.1:\d+/);
    expect(devOutput.text).toContain("operator:  ./platforma token --operator");
    expect(devOutput.text).toContain("tenant:    ./platforma token --tenant <ten_id>");
  });

  it("every command of the first session works as written", async () => {
    const [shellBlock] = readmeBlocks(README, "### A first session", "sh");
    const [tsBlock] = readmeBlocks(README, "### A first session", "ts");
    const commands = shellCommands(await onPort(shellBlock ?? ""));
    expect(commands.length).toBeGreaterThan(5);
    await writeFile(snippet, await onPort(tsBlock ?? ""));

    // One shell for the whole session, as a user types it: variables carry from line to line.
    const marker = (n: number) => `::command ${n}::`;
    const script = ["set -euo pipefail", ...commands.flatMap((c, n) => [`echo '${marker(n)}'`, c])].join(
      "\n",
    );
    const session = spawn("bash", ["-c", script], {
      cwd: ROOT,
      env: { ...BARE, ...SERVICE_PORTS, PLATFORMA_URL: `http://127.0.0.1:${await port}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = collect(session);
    const code = await out.exited;
    const outputOf = (command: RegExp): string => {
      const n = commands.findIndex((c) => command.test(c));
      expect(n, `the README runs ${command}`).toBeGreaterThanOrEqual(0);
      const from = out.text.indexOf(marker(n));
      const to = out.text.indexOf(marker(n + 1));
      return out.text.slice(from + marker(n).length, to < 0 ? undefined : to);
    };
    expect(code, out.text).toBe(0);

    expect(JSON.parse(outputOf(/^curl /))).toMatchObject({
      result: { data: { name: "Acme", state: "active" } },
    });
    // `TENANT=$(… -o id)` captured the id: describe shows which tenant it named.
    const described = outputOf(/tenants describe/);
    const tenantId = /^ID: +(ten_\w+)$/m.exec(described)?.[1];
    expect(tenantId, described).toBeDefined();
    expect(described).toMatch(/^Name: +Acme$/m);
    expect(described).toMatch(/^Resource {3,}Used {3,}Hard$/m);
    expect(outputOf(/tenants list/)).toMatch(new RegExp(`^${tenantId} {3,}Acme {3,}active `, "m"));

    const ran = outputOf(/\.\/platforma node /);
    expect(ran).toMatch(/^cls_\w+ \{$/m);
    const orderId = /id: '(ord_\w+)'/.exec(ran)?.[1];
    expect(orderId, ran).toBeDefined();
    expect(outputOf(/temporal workflow list/)).toContain(`order/${orderId}`);

    expect(outputOf(/kafka topics/).split("\n")).toContain("platforma.tenants.v1");
    const consumed = outputOf(/kafka consume/);
    expect(consumed).toMatch(/ce_type:dev\.platforma\.tenant\.\w+\.v\d/);
    expect(consumed).toContain("Processed a total of 10 messages");
  }, 300_000);

  it("Ctrl-C stops dev.sh and its api, worker and relay, saying so once", async () => {
    const pid = dev?.pid;
    if (!pid) throw new Error("dev.sh did not start");
    process.kill(-pid, "SIGINT");
    expect(await devOutput.exited).toBe(130);
    expect(devOutput.text.match(/stopping api, worker and relay/g)).toHaveLength(1);
    const api = await fetch(`http://127.0.0.1:${await port}/healthz`).catch((e: unknown) => e);
    expect(api).toBeInstanceOf(Error);
  }, 120_000);
});
