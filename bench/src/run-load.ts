import { createHistogram, type RecordableHistogram } from "node:perf_hooks";
import { Pool } from "undici";

/** One request of the load; the body, when there is one, is sent as it is. */
export interface LoadRequest {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  origin: string;
  /** Called once per request, so a benchmark can vary what it sends (unique names, tenants). */
  nextRequest: () => LoadRequest;
  connections: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  /** Successful (2xx) responses completed inside the measured window. */
  requests: number;
  /** Failed requests and non-2xx responses completed inside the measured window. */
  errors: number;
  /** `errors` by what went wrong (`HTTP 403`, or the client's error message). */
  errorsByKind: ReadonlyMap<string, number>;
  firstError: string | null;
  /** The body of the first non-2xx response inside the window, cut short. */
  firstErrorBody: string | null;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Latencies of the successful requests, in ns, so rounds can be merged. */
  latencies: RecordableHistogram;
  /** The measured window, in ms. */
  durationMs: number;
}

const NS_PER_MS = 1e6;
const ERROR_BODY_CHARS = 500;

/** One call of a closed loop: resolves to null when it succeeded, else what went wrong (and a body). */
export type LoopCall = () => Promise<{ failure: string; body?: string } | null>;

/**
 * A closed loop: each of `connections` workers keeps exactly one request in flight on its own
 * keep-alive connection, so the offered load adapts to the server and latency is not inflated by
 * a queue in the client. Load runs through warm-up and measurement without a pause; a request is
 * measured if it completes inside the window, which counts throughput without edge bias.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(opts.origin, { connections: opts.connections, pipelining: 1 });
  try {
    return await runClosedLoop({
      ...opts,
      call: async () => {
        const res = await pool.request(opts.nextRequest());
        // Read the whole body: a response is served only once its last byte has arrived.
        if (res.statusCode >= 200 && res.statusCode < 300) {
          await res.body.arrayBuffer();
          return null;
        }
        return {
          failure: `HTTP ${res.statusCode}`,
          body: (await res.body.text()).slice(0, ERROR_BODY_CHARS),
        };
      },
    });
  } finally {
    await pool.close();
  }
}

/** The closed loop of `runLoad` over any call (an SDK's, not only HTTP requests). */
export async function runClosedLoop(opts: {
  call: LoopCall;
  connections: number;
  warmupMs: number;
  durationMs: number;
}): Promise<LoadResult> {
  const latencies = createHistogram();
  const measureFrom = process.hrtime.bigint() + BigInt(Math.round(opts.warmupMs * NS_PER_MS));
  const measureUntil = measureFrom + BigInt(Math.round(opts.durationMs * NS_PER_MS));
  let requests = 0;
  let errors = 0;
  const errorsByKind = new Map<string, number>();
  let firstError: string | null = null;
  let firstErrorBody: string | null = null;

  const worker = async () => {
    while (process.hrtime.bigint() < measureUntil) {
      const sentAt = process.hrtime.bigint();
      let failure: string | null = null;
      let failureBody: string | null = null;
      try {
        const failed = await opts.call();
        if (failed) {
          failure = failed.failure;
          failureBody = failed.body ?? null;
        }
      } catch (err) {
        failure = err instanceof Error ? err.message : String(err);
      }
      const doneAt = process.hrtime.bigint();
      if (doneAt < measureFrom || doneAt >= measureUntil) continue;
      if (failure === null) {
        requests++;
        latencies.record(doneAt - sentAt);
      } else {
        errors++;
        errorsByKind.set(failure, (errorsByKind.get(failure) ?? 0) + 1);
        if (firstError === null) {
          firstError = failure;
          firstErrorBody = failureBody;
        }
      }
    }
  };

  await Promise.all(Array.from({ length: opts.connections }, worker));
  return {
    requests,
    errors,
    errorsByKind,
    firstError,
    firstErrorBody,
    requestsPerSec: requests / (opts.durationMs / 1000),
    p50Ms: requests > 0 ? latencies.percentile(50) / NS_PER_MS : Number.NaN,
    p99Ms: requests > 0 ? latencies.percentile(99) / NS_PER_MS : Number.NaN,
    latencies,
    durationMs: opts.durationMs,
  };
}

/** Several rounds of one side as one result: counts summed, latencies merged, rate over the total window. */
export function mergeLoads(rounds: readonly LoadResult[]): LoadResult {
  const latencies = createHistogram();
  const errorsByKind = new Map<string, number>();
  let requests = 0;
  let errors = 0;
  let durationMs = 0;
  let firstError: string | null = null;
  let firstErrorBody: string | null = null;
  for (const round of rounds) {
    requests += round.requests;
    errors += round.errors;
    durationMs += round.durationMs;
    latencies.add(round.latencies);
    for (const [kind, n] of round.errorsByKind) errorsByKind.set(kind, (errorsByKind.get(kind) ?? 0) + n);
    if (firstError === null && round.firstError !== null) {
      firstError = round.firstError;
      firstErrorBody = round.firstErrorBody;
    }
  }
  return {
    requests,
    errors,
    errorsByKind,
    firstError,
    firstErrorBody,
    requestsPerSec: requests / (durationMs / 1000),
    p50Ms: requests > 0 ? latencies.percentile(50) / NS_PER_MS : Number.NaN,
    p99Ms: requests > 0 ? latencies.percentile(99) / NS_PER_MS : Number.NaN,
    latencies,
    durationMs,
  };
}

/**
 * Runs the sides in alternating rounds (A B A B …) rather than one after the other, so that load
 * from outside the benchmark, which drifts over seconds on a shared machine, falls on every side
 * alike. The first round of each side has the full warm-up; later ones a short one (the server is
 * warm, only the client's connections are new). Returns each side's rounds merged, in side order.
 */
export async function runInterleaved(
  sides: readonly ((round: { warmupMs: number; durationMs: number }) => Promise<LoadResult>)[],
  opts: { rounds: number; warmupMs: number; durationMs: number },
): Promise<LoadResult[]> {
  const results: LoadResult[][] = sides.map(() => []);
  const durationMs = opts.durationMs / opts.rounds;
  for (let round = 0; round < opts.rounds; round++) {
    for (const [i, side] of sides.entries()) {
      const warmupMs = round === 0 ? opts.warmupMs : Math.min(opts.warmupMs, 250);
      results[i]?.push(await side({ warmupMs, durationMs }));
    }
  }
  return results.map(mergeLoads);
}
