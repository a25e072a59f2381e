import type { BenchOptions } from "./bench-options.ts";

export interface BenchContext {
  options: BenchOptions;
  /** Node version and CPUs, printed with every report. */
  environment: string;
  /** A progress line on stderr, so stdout holds only the reports. */
  progress(message: string): void;
}

/** One named benchmark of `pnpm bench`: it runs its sides in turn and returns its printed report. */
export interface Benchmark {
  name: string;
  /** One line for `--help`. */
  summary: string;
  run(context: BenchContext): Promise<string>;
}
