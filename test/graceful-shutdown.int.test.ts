import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "./eventually.ts";
import { testEnv } from "./env.ts";
import { recordingStarter } from "./recording-starter.ts";
import { startStack, type TestStack } from "./stack.ts";
import { TEST_AUDIENCE, TEST_ISSUER } from "./tokens.ts";
import { freePort } from "@platforma/events/testing";

const main = (app: string) => fileURLToPath(new URL(`../apps/${app}/src/main.ts`, import.meta.url));

interface LogLine {
  msg?: string;
  address?: string;
}

/**
 * One of the apps as a real process; resolves once it logs `readyMessage`, with that line and
 * everything it logs.
 */
async function startAppProcess(app: string, env: Record<string, string>, readyMessage: string) {
  const child = spawn(process.execPath, [main(app)], {
    env: { ...process.env, ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = await new Promise<LogLine>((resolve, reject) => {
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = JSON.parse(buffered.slice(0, newline)) as LogLine;
        buffered = buffered.slice(newline + 1);
        lines.push(line);
        if (line.msg === readyMessage) resolve(line);
      }
    });
    void exit.then((code) => reject(new Error(`${app} exited ${code} before "${readyMessage}": ${stderr}`)));
  });
  return { child, ready, lines, exit };
}

/** A request whose body never arrives: the server holds it in flight until it is cut off. */
function hungRequest(url: string, token: string): { socket: Socket; closed: Promise<void> } {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.on("error", () => {});
  socket.write(
    "POST /trpc/clusters.create HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n" +
      `authorization: Bearer ${token}\r\ncontent-length: 1000\r\n\r\n{"name`,
  );
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return { socket, closed };
}

describe("the api process on SIGTERM", () => {
  let stack: TestStack;
  let dir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    stack = await startStack({ workflows: recordingStarter() });
    dir = await mkdtemp(join(tmpdir(), "platforma-shutdown-"));
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("ends open event streams so clients reconnect, cuts off a hung request after the grace, and exits 0", async () => {
    const { token } = await stack.newTenant();
    const jwksFile = join(dir, "jwks.json");
    await writeFile(jwksFile, JSON.stringify(stack.signer.jwks));
    const api = await startAppProcess(
      "api",
      {
        DATABASE_URL: testEnv.databaseUrl,
        DATABASE_SYSTEM_URL: testEnv.systemDatabaseUrl,
        TEMPORAL_ADDRESS: testEnv.temporalAddress,
        AUTH_JWKS_FILE: jwksFile,
        AUTH_ISSUER: TEST_ISSUER,
        AUTH_AUDIENCE: TEST_AUDIENCE,
        // Short, so the test does not wait long for the cut-off it needs to see.
        SHUTDOWN_GRACE_MS: "500",
        HOST: "127.0.0.1",
        PORT: "0",
      },
      "api listening",
    );
    children.push(api.child);
    const url = api.ready.address ?? "";

    const stream = await fetch(`${url}/trpc/events.subscribe`, {
      headers: { accept: "text/event-stream", authorization: `Bearer ${token}` },
    });
    expect(stream.status).toBe(200);
    const reader = stream.body?.getReader();
    if (!reader) throw new Error("the event stream has no body");
    const decoder = new TextDecoder();
    let received = "";
    // The stream is open once the server has said `connected` (and replayed the tenant's events).
    while (!received.includes("event: connected")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before it was connected: ${received}`);
      received += decoder.decode(value, { stream: true });
    }
    const streamEnded = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        received += decoder.decode(value, { stream: true });
      }
    })();

    const hung = hungRequest(url, token);
    // The request has reached the server (its head is parsed) once a health check behind it answers.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    api.child.kill("SIGTERM");

    await streamEnded;
    await hung.closed;
    expect(await api.exit).toBe(0);
    // Ended by the server going away, not completed: tRPC's `return` would stop the client for good.
    expect(received).not.toContain("event: return");
    const messages = api.lines.map((line) => line.msg);
    expect(messages).toContain("shutting down");
    // The hung request could only end by the cut-off.
    expect(messages).toContain("closing what is still in flight");
    expect(messages.at(-1)).toBe("stopped");
  });
});

describe.each([
  {
    app: "relay",
    ready: "outbox relay started",
    env: () => ({
      DATABASE_SYSTEM_URL: testEnv.systemDatabaseUrl,
      KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
    }),
  },
  {
    app: "audit",
    ready: "audit consumer started",
    env: () => ({
      KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
      AUDIT_GROUP_ID: `test-shutdown-${globalThis.crypto.randomUUID()}`,
      STORAGE_DRIVER: "filesystem",
      STORAGE_DIR: join(tmpdir(), "platforma-shutdown-audit"),
    }),
  },
])("the $app process on SIGTERM", ({ app, ready, env }) => {
  it("answers its probes, then on SIGTERM stops its loop, closes its connections and exits 0", async () => {
    const port = await freePort();
    const proc = await startAppProcess(
      app,
      { ...env(), SHUTDOWN_GRACE_MS: "2000", HEALTH_PORT: String(port) },
      ready,
    );
    try {
      // Serving probes means booted, and the signal handlers installed with the probe server.
      await eventually(async () => {
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      proc.child.kill("SIGTERM");
      expect(await proc.exit, JSON.stringify(proc.lines.slice(-5))).toBe(0);
      expect(proc.lines.map((line) => line.msg).at(-1)).toBe("stopped");
    } finally {
      if (proc.child.exitCode === null) proc.child.kill("SIGKILL");
    }
  });
});
