import { availableParallelism } from "node:os";
import { runMigrations } from "@platforma/db";
import { benchEnv } from "./bench-env.ts";
import { parseRelayBenchOptions, RELAY_BENCH_USAGE } from "./relay-bench-options.ts";
import { runRelayBench } from "./relay-benchmark.ts";
import { formatSummary } from "./summary.ts";

/** `pnpm bench:relay`: the relay benchmark alone, with its own options. Prints; asserts nothing about time. */
const options = parseRelayBenchOptions(process.argv.slice(2));
if (!options) {
  process.stdout.write(RELAY_BENCH_USAGE);
  process.exit(0);
}
const progress = (message: string) => process.stderr.write(`[bench:relay] ${message}\n`);
progress("migrating");
await runMigrations(benchEnv.ownerDatabaseUrl);
const result = await runRelayBench(
  options,
  `Node ${process.version}, ${availableParallelism()} CPUs shared with Postgres`,
  progress,
);
process.stdout.write(`${result.report}\n${formatSummary(result.summary, false)}`);
