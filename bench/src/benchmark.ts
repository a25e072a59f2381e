import type { BenchOptions } from "./bench-options.ts";
import type { BenchmarkResult } from "./summary.ts";

export interface BenchContext {
  options: BenchOptions;
  /** Node version and CPUs, printed with every report. */
  environment: string;
  /** A progress line on stderr, so stdout holds only the reports. */
  progress(message: string): void;
}

/**
 * One named benchmark of `pnpm bench`: it runs its sides in turn, fails when they do not answer the
 * same (so a benchmark cannot silently compare different work), and returns its printed report and
 * its lines of the summary.
 */
export interface Benchmark {
  name: string;
  /** One line for `--help`. */
  summary: string;
  run(context: BenchContext): Promise<BenchmarkResult>;
}
