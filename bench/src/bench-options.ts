import { parseArgs } from "node:util";

export interface BenchOptions {
  /** Measured seconds per side. */
  durationSec: number;
  /** Seconds of load per side before measuring: pools fill, the JIT settles. */
  warmupSec: number;
  /** Concurrent keep-alive connections of the closed-loop client. */
  connections: number;
  /** Postgres pool size of the app role, the same on both sides. */
  poolSize: number;
  /** Tenant state cache of the full stack; 500 ms is the API's default. */
  tenantCacheMs: number;
}

export const BENCH_USAGE = `usage: pnpm bench [--duration S] [--warmup S] [--connections N] [--pool N] [--tenant-cache-ms MS]
  --duration S          measured seconds per side (default 10)
  --warmup S            unmeasured seconds of load per side first (default 3)
  --connections N       concurrent keep-alive connections (default 32)
  --pool N              Postgres pool size of the app role, both sides (default 20)
  --tenant-cache-ms MS  tenant state cache of the full stack (default 500, as the API)
`;

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

/** Parses the command line; `null` when help was asked for. */
export function parseBenchOptions(argv: string[]): BenchOptions | null {
  // `pnpm bench -- --duration 5` forwards the separator itself.
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      pool: { type: "string" },
      "tenant-cache-ms": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return null;
  return {
    durationSec: numberOption("duration", values.duration, 10, 0.1),
    warmupSec: numberOption("warmup", values.warmup, 3, 0),
    connections: integerOption("connections", values.connections, 32, 1),
    poolSize: integerOption("pool", values.pool, 20, 1),
    tenantCacheMs: integerOption("tenant-cache-ms", values["tenant-cache-ms"], 500, 0),
  };
}
