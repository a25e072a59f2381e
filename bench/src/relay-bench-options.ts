import { parseArgs } from "node:util";

export interface RelayBenchOptions {
  /** Events of the throughput run, the same ones for the relay and the raw producer. */
  events: number;
  tenants: number;
  /** The relay's batch size, and the raw producer's send size. */
  batch: number;
  /** Commits per second of the latency run. */
  rate: number;
  /** Seconds of the latency run. */
  durationSec: number;
  /** The relay's poll interval in the latency run (its default is 200 ms). */
  pollMs: number;
  /** The throughput run's events are split into this many relay-then-raw rounds. */
  rounds: number;
}

export const RELAY_BENCH_USAGE = `usage: pnpm bench:relay [--events N] [--tenants N] [--batch N] [--rate R] [--duration S] [--poll MS] [--rounds N]
  --events N     events relayed, and sent raw, in the throughput run (default 20000)
  --tenants N    tenants the events belong to (default 100)
  --batch N      relay batch size = raw producer send size (default 500)
  --rate R       commits per second in the latency run (default 1000)
  --duration S   seconds of the latency run (default 10)
  --poll MS      relay poll interval in the latency run (default 200, the relay's default)
  --rounds N     throughput run in N alternating relay, raw rounds (default 4)
`;

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number, got ${raw}`);
  return value;
}

/** Parses the command line; `null` when help was asked for. */
export function parseRelayBenchOptions(argv: string[]): RelayBenchOptions | null {
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      events: { type: "string" },
      tenants: { type: "string" },
      batch: { type: "string" },
      rate: { type: "string" },
      duration: { type: "string" },
      poll: { type: "string" },
      rounds: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return null;
  return {
    events: Math.round(positive("events", values.events, 20_000)),
    tenants: Math.round(positive("tenants", values.tenants, 100)),
    batch: Math.round(positive("batch", values.batch, 500)),
    rate: positive("rate", values.rate, 1000),
    durationSec: positive("duration", values.duration, 10),
    pollMs: Math.round(positive("poll", values.poll, 200)),
    rounds: Math.round(positive("rounds", values.rounds, 4)),
  };
}
