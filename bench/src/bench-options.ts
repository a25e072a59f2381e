import { parseArgs } from "node:util";

export interface BenchOptions {
  /** The one benchmark to run (`--only`); `null` runs them all. */
  only: string | null;
  /** Measured seconds per side. */
  durationSec: number;
  /** Seconds of load per side before measuring: pools fill, the JIT settles. */
  warmupSec: number;
  /** Alternating rounds the measured seconds of each side are split into (A B A B …). */
  rounds: number;
  /** Concurrent keep-alive connections of the closed-loop client. */
  connections: number;
  /** Postgres pool size of the app role, the same on both sides. */
  poolSize: number;
  /** Tenant state cache of the full stack; 500 ms is the API's default. */
  tenantCacheMs: number;
  /** Tenants the admission benchmark spreads its load over. */
  spreadTenants: number;
  /**
   * `--smoke`: every benchmark for a second or two per side (shorter defaults, fewer events), to
   * prove that each runs and that its sides answer the same; its numbers mean nothing.
   */
  smoke: boolean;
  /** `--json FILE`: where to write the summary. */
  json: string | null;
}

/** `--help`, listing the benchmarks `--only` can pick. */
export function benchUsage(benchmarks: readonly { name: string; summary: string }[]): string {
  const width = Math.max(...benchmarks.map((b) => b.name.length));
  return `usage: pnpm bench [--only NAME] [--smoke] [--json FILE] [--duration S] [--warmup S]
                  [--connections N] [--pool N] [--tenant-cache-ms MS] [--tenants N]
  --only NAME           run one benchmark (default: all, in this order)
  --smoke               every benchmark briefly: checks that it runs and its sides agree (what CI runs)
  --json FILE           also write the summary table as JSON to FILE
  --duration S          measured seconds per side (default 10; 1 with --smoke)
  --warmup S            unmeasured seconds of load per side first (default 3; 0.5 with --smoke)
  --rounds N            sides alternate in N rounds, so outside load drifts onto all (default 5; 1 with --smoke)
  --connections N       concurrent keep-alive connections (default 32)
  --pool N              Postgres pool size of the app role per server (default 20)
  --tenant-cache-ms MS  tenant state cache of the full stack (default 500, as the API)
  --tenants N           admission: tenants the spread side spreads its load over (default 64)

benchmarks:
${benchmarks.map((b) => `  ${b.name.padEnd(width)}  ${b.summary}`).join("\n")}
`;
}

function numberOption(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min)
    throw new Error(`--${name} must be a number ≥ ${min}, got ${raw}`);
  return value;
}

function integerOption(name: string, raw: string | undefined, fallback: number, min: number): number {
  const value = numberOption(name, raw, fallback, min);
  if (!Number.isInteger(value)) throw new Error(`--${name} must be an integer, got ${raw}`);
  return value;
}

/** Parses the command line against the benchmark names; `null` when help was asked for. */
export function parseBenchOptions(argv: string[], names: readonly string[]): BenchOptions | null {
  // `pnpm bench -- --duration 5` forwards the separator itself.
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      only: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      rounds: { type: "string" },
      connections: { type: "string" },
      pool: { type: "string" },
      "tenant-cache-ms": { type: "string" },
      tenants: { type: "string" },
      smoke: { type: "boolean" },
      json: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return null;
  const only = values.only ?? null;
  if (only !== null && !names.includes(only)) {
    throw new Error(`--only must name a benchmark (${names.join(", ")}), got ${only}`);
  }
  const smoke = values.smoke === true;
  return {
    only,
    durationSec: numberOption("duration", values.duration, smoke ? 1 : 10, 0.1),
    warmupSec: numberOption("warmup", values.warmup, smoke ? 0.5 : 3, 0),
    rounds: integerOption("rounds", values.rounds, smoke ? 1 : 5, 1),
    connections: integerOption("connections", values.connections, 32, 1),
    poolSize: integerOption("pool", values.pool, 20, 1),
    tenantCacheMs: integerOption("tenant-cache-ms", values["tenant-cache-ms"], 500, 0),
    spreadTenants: integerOption("tenants", values.tenants, smoke ? 8 : 64, 2),
    smoke,
    json: values.json ?? null,
  };
}
