import { spawn, type ChildProcess } from "node:child_process";
import { open } from "node:fs/promises";
import { createServer } from "node:net";

/** A port nothing listens on right now (the OS's pick), for a process a test starts. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolvePort(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

/** Resolves once `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => child.once("exit", () => resolveExit()));
}

/** Runs a command to completion, its output appended to `logFile`; fails on a non-zero exit. */
export async function run(command: string, args: string[], logFile: string): Promise<void> {
  const log = await open(logFile, "a");
  try {
    const child = spawn(command, args, { stdio: ["ignore", log.fd, log.fd] });
    await exited(child);
    if (child.exitCode !== 0) throw new Error(`${command} ${args.join(" ")} failed; see ${logFile}`);
  } finally {
    await log.close();
  }
}
