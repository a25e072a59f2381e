import { createHistogram } from "node:perf_hooks";
import { Pool } from "undici";

export interface LoadOptions {
  origin: string;
  path: string;
  headers: Record<string, string>;
  connections: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  /** Successful responses completed inside the measured window. */
  requests: number;
  /** Failed requests and non-200 responses completed inside the measured window. */
  errors: number;
  firstError: string | null;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

const NS_PER_MS = 1e6;

/**
 * A closed loop: each of `connections` workers keeps exactly one request in flight on its own
 * keep-alive connection, so the offered load adapts to the server and latency is not inflated by
 * a queue in the client. Load runs through warm-up and measurement without a pause; a request is
 * measured if it completes inside the window, which counts throughput without edge bias.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(opts.origin, { connections: opts.connections, pipelining: 1 });
  const latencies = createHistogram();
  const measureFrom = process.hrtime.bigint() + BigInt(Math.round(opts.warmupMs * NS_PER_MS));
  const measureUntil = measureFrom + BigInt(Math.round(opts.durationMs * NS_PER_MS));
  let requests = 0;
  let errors = 0;
  let firstError: string | null = null;

  const worker = async () => {
    while (process.hrtime.bigint() < measureUntil) {
      const sentAt = process.hrtime.bigint();
      let failure: string | null = null;
      try {
        const res = await pool.request({ path: opts.path, method: "GET", headers: opts.headers });
        // Read the whole body: a response is served only once its last byte has arrived.
        await res.body.arrayBuffer();
        if (res.statusCode !== 200) failure = `HTTP ${res.statusCode}`;
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
        firstError ??= failure;
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: opts.connections }, worker));
  } finally {
    await pool.close();
  }
  return {
    requests,
    errors,
    firstError,
    requestsPerSec: requests / (opts.durationMs / 1000),
    p50Ms: requests > 0 ? latencies.percentile(50) / NS_PER_MS : Number.NaN,
    p99Ms: requests > 0 ? latencies.percentile(99) / NS_PER_MS : Number.NaN,
  };
}
