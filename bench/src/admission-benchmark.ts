import type { TenantId } from "@platforma/contracts";
import { openAdmissionDb, type AdmissionUsage } from "./admission-db.ts";
import type { Benchmark, BenchContext } from "./benchmark.ts";
import { benchEnv } from "./bench-env.ts";
import { BENCH_AUDIENCE, BENCH_ISSUER, createBenchSigner } from "./bench-signer.ts";
import { formatComparison, type SideResult } from "./format-comparison.ts";
import type { FullStackServerConfig } from "./full-stack-server.ts";
import { postClusterCreate } from "./post-cluster-create.ts";
import { runInterleaved, runLoad, type LoadRequest } from "./run-load.ts";
import { startServerProcess } from "./server-process.ts";
import type { BenchmarkResult } from "./summary.ts";

const REGION = "eu-central-1";
// Orders of magnitude above what a run admits, so every request is a full admission (row locked,
// checked, raised) and none is turned into a cheap refusal.
const MAX_CLUSTERS = 10_000_000;
const PATH = "/trpc/clusters.create";

interface Side {
  name: string;
  description: string;
  tenantIds: TenantId[];
}

/**
 * An endless stream of `clusters.create` requests, each with a name no earlier request used, going
 * round-robin over the side's tenants: request i is for tenant i mod n.
 */
function clusterCreates(label: string, tokens: readonly string[]): () => LoadRequest {
  const headers = tokens.map((token) => ({
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
  }));
  let sent = 0;
  return () => {
    const n = sent++;
    const tenantHeaders = headers[n % headers.length];
    if (!tenantHeaders) throw new Error(`${label}: no tenants to send to`);
    return {
      method: "POST",
      path: PATH,
      headers: tenantHeaders,
      body: JSON.stringify({ name: `${label}-${n.toString(36)}`, region: REGION }),
    };
  };
}

function errorNotes(side: SideResult): string[] {
  if (side.load.errors === 0) return [];
  const kinds = [...side.load.errorsByKind].map(([kind, count]) => `${kind} ×${count}`).join(", ");
  const notes = [`${side.name}: errors by kind: ${kinds}`];
  if (side.load.firstErrorBody !== null)
    notes.push(`${side.name}: first error body: ${side.load.firstErrorBody}`);
  return notes;
}

function usageNote(side: Side, usage: AdmissionUsage): string {
  const consistent = usage.used === usage.clusters && usage.clusters === usage.orders;
  return (
    `${side.name}: ${usage.clusters} clusters admitted over the whole run (probe, warm-up, measured), ` +
    (consistent
      ? "max_clusters used = cluster rows = order rows"
      : `MISMATCH: max_clusters used ${usage.used}, cluster rows ${usage.clusters}, order rows ${usage.orders}`)
  );
}

async function run({ options, environment, progress }: BenchContext): Promise<BenchmarkResult> {
  const db = openAdmissionDb(benchEnv.systemDatabaseUrl);
  const seeded: TenantId[] = [];
  try {
    const tag = globalThis.crypto.randomUUID().slice(0, 8);
    progress(`seeding 1 hot and ${options.spreadTenants} spread tenants, max_clusters ${MAX_CLUSTERS} each`);
    const hotIds = await db.seedTenants(`${tag} hot`, 1, REGION, MAX_CLUSTERS);
    seeded.push(...hotIds);
    const spreadIds = await db.seedTenants(`${tag} spread`, options.spreadTenants, REGION, MAX_CLUSTERS);
    seeded.push(...spreadIds);

    const sides: Side[] = [
      {
        name: "hot",
        description: "every request for one tenant: each admission locks the same tenant_quotas row",
        tenantIds: hotIds,
      },
      {
        name: "spread",
        description: `request i for tenant i mod ${spreadIds.length}: admissions lock ${spreadIds.length} different rows`,
        tenantIds: spreadIds,
      },
    ];

    const signer = await createBenchSigner();
    // Valid for the whole run with room to spare, so no request meets an expired token.
    const ttlSec = 2 * (options.warmupSec + options.durationSec) + 600;
    const tokensOf = (ids: readonly TenantId[]) =>
      Promise.all(ids.map((id) => signer.tenantToken(id, ttlSec)));

    const config: FullStackServerConfig = {
      databaseUrl: benchEnv.databaseUrl,
      systemDatabaseUrl: benchEnv.systemDatabaseUrl,
      poolSize: options.poolSize,
      issuer: BENCH_ISSUER,
      audience: BENCH_AUDIENCE,
      jwks: signer.jwks,
      tenantCacheMs: options.tenantCacheMs,
    };
    // One server process for both sides: the same pools, JIT and caches; only the tenants differ.
    progress("starting the full-stack API server process");
    const server = await startServerProcess(new URL("./full-stack-server.ts", import.meta.url), config);
    const results: SideResult[] = [];
    try {
      const streams = [];
      for (const side of sides) {
        const nextRequest = clusterCreates(side.name, await tokensOf(side.tenantIds));
        // One admission outside the measurement, so a broken path fails with its response body
        // instead of as a run of errors.
        await postClusterCreate(server.origin, nextRequest());
        streams.push(nextRequest);
      }
      progress(
        `hot, spread: ${options.warmupSec} s warm-up, ${options.durationSec} s measured each, in ${options.rounds} alternating rounds`,
      );
      const loads = await runInterleaved(
        streams.map(
          (nextRequest) =>
            ({ warmupMs, durationMs }: { warmupMs: number; durationMs: number }) =>
              runLoad({
                origin: server.origin,
                nextRequest,
                connections: options.connections,
                warmupMs,
                durationMs,
              }),
        ),
        {
          rounds: options.rounds,
          warmupMs: options.warmupSec * 1000,
          durationMs: options.durationSec * 1000,
        },
      );
      for (const [i, side] of sides.entries()) {
        const load = loads[i];
        if (load) results.push({ name: side.name, description: side.description, load });
      }
    } finally {
      await server.stop();
    }
    const [hot, spread] = results;
    if (!hot || !spread) throw new Error("admission: a side produced no result");

    const usages = await Promise.all(sides.map((side) => db.usage(side.tenantIds)));
    const usageNotes = sides.map((side, i) => usageNote(side, usages[i] as AdmissionUsage));

    const report = formatComparison({
      title: `clusters.create admission: one hot tenant vs. the same load spread over ${spreadIds.length} tenants`,
      settings:
        `${options.connections} connections, ${options.warmupSec} s warm-up + ${options.durationSec} s measured per side ` +
        `in ${options.rounds} alternating rounds, ` +
        `one API server process for both sides (pool ${options.poolSize}), tenant state cache ${options.tenantCacheMs} ms; ` +
        `${environment}; ${await db.postgresSettings()}`,
      sides: [hot, spread],
      notes: [
        "",
        `each request: POST ${PATH} with a new cluster name through Fastify + tRPC + jose EdDSA verify + ` +
          "tenant state check + RLS transaction that inserts the cluster and the order, admits with one " +
          "conditional UPDATE of the tenant's max_clusters row, and appends 2 outbox rows",
        "no workflow is started: a no-op workflow starter stands in for Temporal, so this measures admission, not provisioning",
        `max_clusters ${MAX_CLUSTERS} per tenant, so no request is refused; any non-2xx response counts as an error`,
        ...usageNotes,
        ...errorNotes(hot),
        ...errorNotes(spread),
      ],
    });
    // Both sides must have admitted every request, each exactly once: otherwise they did not do
    // the same work and the ratio compares nothing.
    const inconsistent = usages.some((u) => u.used !== u.clusters || u.clusters !== u.orders);
    if (inconsistent || hot.load.errors > 0 || spread.load.errors > 0) {
      throw new Error(`admission: errors or inconsistent usage:\n${report}`);
    }
    return {
      report,
      summary: [
        {
          benchmark: "admission",
          metric: "throughput hot/spread",
          value: hot.load.requestsPerSec / spread.load.requestsPerSec,
          target: { min: 0.8 },
          p99Ms: { first: hot.load.p99Ms, second: spread.load.p99Ms },
        },
        {
          benchmark: "admission",
          metric: "p99 hot/spread",
          value: hot.load.p99Ms / spread.load.p99Ms,
          target: { max: 1.5 },
        },
      ],
    };
  } finally {
    if (seeded.length > 0) {
      const removed = await db.removeTenants(seeded);
      progress(`removed the ${seeded.length} benchmark tenants and the ${removed} rows they held`);
    }
    await db.close();
  }
}

/**
 * Order admission, one hot tenant vs. many (DESIGN §6, §13): the same closed-loop load of
 * `clusters.create` against one full-stack API server, first for a single tenant, then spread over
 * many. Admission locks a tenant's quota row for the rest of its transaction, so one tenant's
 * admissions queue behind each other while different tenants' run side by side.
 */
export const admissionBenchmark: Benchmark = {
  name: "admission",
  summary: "clusters.create admissions for one hot tenant vs. the same load spread over many tenants",
  run,
};
