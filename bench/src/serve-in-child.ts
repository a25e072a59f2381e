/** What a server child reports to the parent once, after it starts or fails to. */
export type ChildReport = { ok: true; port: number } | { ok: false; error: string };

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The child half of `startServerProcess`: waits for its config on the IPC channel, starts, reports
 * the port, and shuts down when the channel closes (the parent stopping it, or the parent dying,
 * so no server outlives a run).
 */
export function serveInChild<Config>(start: (config: Config) => Promise<RunningServer>): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error("a server child needs an IPC channel: run it through bench/src/main.ts");
  const report = (message: ChildReport, then?: () => void) => send(message, undefined, {}, then);

  process.once("message", (config: unknown) => {
    // The parent is the only sender, and main.ts builds the config with the type this entry exports.
    start(config as Config).then(
      (server) => {
        process.once("disconnect", () => {
          server.close().then(
            () => process.exit(0),
            (err: unknown) => {
              process.stderr.write(`server child failed to close: ${String(err)}\n`);
              process.exit(1);
            },
          );
        });
        report({ ok: true, port: server.port });
      },
      (err: unknown) => {
        report({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () =>
          process.exit(1),
        );
      },
    );
  });
}
