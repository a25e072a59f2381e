import type { BareServerConfig } from "./bare-server.ts";
import type { Benchmark, BenchContext } from "./benchmark.ts";
import { benchEnv } from "./bench-env.ts";
import { BENCH_AUDIENCE, BENCH_ISSUER, createBenchSigner } from "./bench-signer.ts";
import { fetchClusterItems } from "./fetch-cluster-items.ts";
import { formatComparison, type SideResult } from "./format-comparison.ts";
import type { FullStackServerConfig } from "./full-stack-server.ts";
import { runInterleaved, runLoad, type LoadRequest } from "./run-load.ts";
import { removeSeededTenant, seedTenant } from "./seed-tenant.ts";
import type { BenchmarkResult } from "./summary.ts";
import { startServerProcess, type ServerProcess } from "./server-process.ts";

const CLUSTERS = 50;

interface Side {
  name: string;
  description: string;
  start(): Promise<ServerProcess>;
}

async function run({ options, environment, progress }: BenchContext): Promise<BenchmarkResult> {
  progress(`seeding a fresh tenant with ${CLUSTERS} clusters`);
  const tenantId = await seedTenant({
    databaseUrl: benchEnv.databaseUrl,
    systemDatabaseUrl: benchEnv.systemDatabaseUrl,
    clusters: CLUSTERS,
  });
  try {
    const signer = await createBenchSigner();
    // Valid for the whole run with room to spare, so no request meets an expired token.
    const token = await signer.tenantToken(tenantId, 2 * (options.warmupSec + options.durationSec) + 600);
    // Both sides get the same request bytes; the bare one ignores the token.
    const request: LoadRequest = {
      method: "GET",
      path: `/trpc/clusters.list?input=${encodeURIComponent(JSON.stringify({ limit: CLUSTERS }))}`,
      headers: { authorization: `Bearer ${token}` },
    };

    const fullConfig: FullStackServerConfig = {
      databaseUrl: benchEnv.databaseUrl,
      systemDatabaseUrl: benchEnv.systemDatabaseUrl,
      poolSize: options.poolSize,
      issuer: BENCH_ISSUER,
      audience: BENCH_AUDIENCE,
      jwks: signer.jwks,
      tenantCacheMs: options.tenantCacheMs,
    };
    const bareConfig: BareServerConfig = {
      databaseUrl: benchEnv.databaseUrl,
      poolSize: options.poolSize,
      tenantId,
    };

    const fullSide: Side = {
      name: "full",
      description: "Fastify + tRPC + jose EdDSA verify + tenant state check + RLS transaction (drizzle)",
      start: () => startServerProcess(new URL("./full-stack-server.ts", import.meta.url), fullConfig),
    };
    const bareSide: Side = {
      name: "bare",
      description: "node:http + pg: BEGIN; set_config; the same SELECT; COMMIT",
      start: () => startServerProcess(new URL("./bare-server.ts", import.meta.url), bareConfig),
    };

    // Both servers run for the whole benchmark (the idle one costs nothing); the load alternates.
    const servers: ServerProcess[] = [];
    let full: { result: SideResult; items: unknown[] };
    let bare: { result: SideResult; items: unknown[] };
    try {
      for (const side of [fullSide, bareSide]) {
        progress(`${side.name}: starting its server process`);
        servers.push(await side.start());
      }
      const items = await Promise.all(
        servers.map((server) => fetchClusterItems(server.origin, request.path, request.headers)),
      );
      for (const [i, side] of [fullSide, bareSide].entries()) {
        if (items[i]?.length !== CLUSTERS) {
          throw new Error(`${side.name}: expected ${CLUSTERS} clusters, got ${items[i]?.length}`);
        }
      }
      progress(
        `full, bare: ${options.warmupSec} s warm-up, ${options.durationSec} s measured each, in ${options.rounds} alternating rounds`,
      );
      const [fullLoad, bareLoad] = await runInterleaved(
        servers.map(
          (server) =>
            ({ warmupMs, durationMs }: { warmupMs: number; durationMs: number }) =>
              runLoad({
                origin: server.origin,
                nextRequest: () => request,
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
      if (!fullLoad || !bareLoad) throw new Error("read: a side produced no result");
      full = {
        result: { name: fullSide.name, description: fullSide.description, load: fullLoad },
        items: items[0] ?? [],
      };
      bare = {
        result: { name: bareSide.name, description: bareSide.description, load: bareLoad },
        items: items[1] ?? [],
      };
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
    if (JSON.stringify(full.items) !== JSON.stringify(bare.items)) {
      throw new Error("full and bare returned different clusters: the comparison would be meaningless");
    }

    const report = formatComparison({
      title: `clusters.list, limit ${CLUSTERS}, ${CLUSTERS} rows: full stack vs. bare node:http + pg`,
      settings:
        `${options.connections} connections, ${options.warmupSec} s warm-up + ${options.durationSec} s measured per side ` +
        `in ${options.rounds} alternating rounds, pool ${options.poolSize} per side, tenant state cache ${options.tenantCacheMs} ms; ${environment}`,
      sides: [full.result, bare.result],
    });
    const [f, b] = [full.result.load, bare.result.load];
    if (f.errors > 0 || b.errors > 0) {
      throw new Error(`read: errors during the run (full ${f.errors}, bare ${b.errors}):\n${report}`);
    }
    return {
      report,
      summary: [
        {
          benchmark: "read",
          metric: "throughput full/bare",
          value: f.requestsPerSec / b.requestsPerSec,
          target: { min: 0.7 },
          p99Ms: { first: f.p99Ms, second: b.p99Ms },
        },
      ],
    };
  } finally {
    await removeSeededTenant(tenantId);
  }
}

/**
 * Tenant-scoped read, full stack vs. bare (DESIGN §13): `clusters.list` through HTTP, tRPC, JWT
 * verification, the tenant state check and the RLS transaction, against node:http + pg running the
 * same SQL. Each server runs in its own process in turn; the closed-loop client runs in the parent.
 */
export const readBenchmark: Benchmark = {
  name: "read",
  summary: "clusters.list through the full stack vs. bare node:http + pg running the same SQL",
  run,
};
