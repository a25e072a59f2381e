import { availableParallelism } from "node:os";
import { runMigrations } from "@platforma/db";
import { admissionBenchmark } from "./admission-benchmark.ts";
import type { Benchmark, BenchContext } from "./benchmark.ts";
import { benchEnv } from "./bench-env.ts";
import { benchUsage, parseBenchOptions } from "./bench-options.ts";
import { readBenchmark } from "./read-benchmark.ts";
import { workflowStartBenchmark } from "./workflow-start-benchmark.ts";
import { identityBenchmark } from "./identity-benchmark.ts";
import { relayBenchmark } from "./relay-benchmark.ts";
import { formatSummary, writeSummaryJson, type SummaryRow } from "./summary.ts";

/**
 * `pnpm bench`: the benchmarks of DESIGN §13, each printing numbers and ratios measured side by
 * side in one run. They run one after another (all by default, `--only NAME` for one), so they
 * never compete for the CPUs; nothing here asserts anything about time. A benchmark whose sides
 * answer differently fails the run (exit 1), which is all `--smoke` (in CI) checks.
 */
const BENCHMARKS: readonly Benchmark[] = [
  readBenchmark,
  identityBenchmark,
  admissionBenchmark,
  workflowStartBenchmark,
  relayBenchmark,
];

const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function printUsage(): never {
  process.stdout.write(benchUsage(BENCHMARKS));
  process.exit(0);
}

const options =
  parseBenchOptions(
    process.argv.slice(2),
    BENCHMARKS.map((b) => b.name),
  ) ?? printUsage();
const selected = BENCHMARKS.filter((b) => options.only === null || b.name === options.only);

progress("migrating");
await runMigrations(benchEnv.ownerDatabaseUrl);

const context: BenchContext = {
  options,
  environment: `Node ${process.version}, ${availableParallelism()} CPUs shared by client, server and Postgres`,
  progress,
};
const summary: SummaryRow[] = [];
for (const [i, benchmark] of selected.entries()) {
  progress(`${benchmark.name}: ${benchmark.summary}`);
  const result = await benchmark.run(context);
  summary.push(...result.summary);
  process.stdout.write(i === 0 ? result.report : `\n${result.report}`);
}
process.stdout.write(`\n${formatSummary(summary, options.smoke)}`);
if (options.json !== null) {
  await writeSummaryJson(
    options.json,
    { environment: context.environment, smoke: options.smoke, options },
    summary,
  );
  progress(`summary written to ${options.json}`);
}
