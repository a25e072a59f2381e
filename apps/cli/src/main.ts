// The operator command line; run it through ./platforma at the repository root.
import { loadEnv } from "./env.ts";
import { runCli } from "./program.ts";

// `./platforma tenants list | head -1`: a reader that stops early is not a failure.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

process.exitCode = await runCli(process.argv.slice(2), {
  env: loadEnv(),
  io: { out: (text) => void process.stdout.write(text), err: (text) => void process.stderr.write(text) },
});
