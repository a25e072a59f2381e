import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { ChildReport } from "./serve-in-child.ts";

export interface ServerProcess {
  origin: string;
  stop(): Promise<void>;
}

/**
 * Runs a server entry (one calling `serveInChild`) in its own process, so the load generator in
 * this process never shares an event loop with the server it measures.
 */
export async function startServerProcess<Config extends object>(
  entry: URL,
  config: Config,
  timeoutMs = 30_000,
): Promise<ServerProcess> {
  const child = fork(fileURLToPath(entry), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const report = new Promise<ChildReport>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry.pathname} did not listen within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once("message", (message: ChildReport) => {
      clearTimeout(timer);
      resolve(message);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry.pathname} exited (${code}) before listening`));
    });
  });
  child.send(config);
  let started: ChildReport;
  try {
    started = await report;
  } catch (err) {
    child.kill();
    throw err;
  }
  if (!started.ok) throw new Error(`${entry.pathname} failed to start:\n${started.error}`);
  return {
    origin: `http://127.0.0.1:${started.port}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.disconnect();
      await exited;
    },
  };
}
