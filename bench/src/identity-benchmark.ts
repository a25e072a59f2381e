import type { Benchmark, BenchContext } from "./benchmark.ts";
import { benchEnv } from "./bench-env.ts";
import { BENCH_AUDIENCE, BENCH_ISSUER, createBenchSigner } from "./bench-signer.ts";
import { fetchClusterItems } from "./fetch-cluster-items.ts";
import { fixed, formatComparison, type SideResult } from "./format-comparison.ts";
import type { FullStackServerConfig } from "./full-stack-server.ts";
import { runInterleaved, runLoad, type LoadRequest } from "./run-load.ts";
import { removeSeededTenant, seedTenant } from "./seed-tenant.ts";
import { startServerProcess, type ServerProcess } from "./server-process.ts";
import type { BenchmarkResult } from "./summary.ts";

const CLUSTERS = 5;
/** Distinct tokens the clients present, round-robin: many callers, not one token repeated. */
const TOKENS = 64;

interface Side {
  name: string;
  description: string;
  identity: NonNullable<FullStackServerConfig["identity"]>;
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
    const ttlSec = 3 * (options.warmupSec + options.durationSec) + 600;
    // Different lifetimes make different tokens of the same caller.
    const tokens = await Promise.all(
      Array.from({ length: TOKENS }, (_, i) => signer.tenantToken(tenantId, ttlSec + i)),
    );
    const path = `/trpc/clusters.list?input=${encodeURIComponent(JSON.stringify({ limit: CLUSTERS }))}`;
    let sent = 0;
    const nextRequest = (): LoadRequest => ({
      method: "GET",
      path,
      headers: { authorization: `Bearer ${tokens[sent++ % TOKENS] ?? ""}` },
    });

    const sides: Side[] = [
      {
        name: "jwt",
        description: `jose EdDSA verify with the verified-token cache (the API's default), ${TOKENS} tokens round-robin`,
        identity: { kind: "jwt", jwtCache: true },
      },
      {
        name: "stub",
        description: "a stub identity: every token is the tenant's admin, nothing verified",
        identity: { kind: "stub", stubTenantId: tenantId },
      },
      {
        name: "jwt-uncached",
        description: "jose EdDSA verify on every request (the cache off)",
        identity: { kind: "jwt", jwtCache: false },
      },
    ];

    const servers: ServerProcess[] = [];
    const measured: { result: SideResult; items: unknown[] }[] = [];
    try {
      for (const side of sides) {
        progress(`${side.name}: starting its server process`);
        const config: FullStackServerConfig = {
          databaseUrl: benchEnv.databaseUrl,
          systemDatabaseUrl: benchEnv.systemDatabaseUrl,
          poolSize: options.poolSize,
          issuer: BENCH_ISSUER,
          audience: BENCH_AUDIENCE,
          jwks: signer.jwks,
          tenantCacheMs: options.tenantCacheMs,
          identity: side.identity,
        };
        servers.push(await startServerProcess(new URL("./full-stack-server.ts", import.meta.url), config));
      }
      const items = await Promise.all(
        servers.map((server) => {
          const probe = nextRequest();
          return fetchClusterItems(server.origin, probe.path, probe.headers);
        }),
      );
      progress(
        `${sides.map((side) => side.name).join(", ")}: ${options.warmupSec} s warm-up, ${options.durationSec} s measured each, in ${options.rounds} alternating rounds`,
      );
      const loads = await runInterleaved(
        servers.map(
          (server) =>
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
        if (!load) throw new Error(`identity: ${side.name} produced no result`);
        measured.push({
          result: { name: side.name, description: side.description, load },
          items: items[i] ?? [],
        });
      }
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
    const [jwt, stub, uncached] = measured;
    if (!jwt || !stub || !uncached) throw new Error("identity: a side produced no result");
    for (const other of [stub, uncached]) {
      if (JSON.stringify(other.items) !== JSON.stringify(jwt.items)) {
        throw new Error(
          `identity: ${other.result.name} and jwt answered differently: the comparison would be meaningless`,
        );
      }
    }
    const errors = [jwt, stub, uncached].filter((side) => side.result.load.errors > 0);
    const u = uncached.result.load;
    const report = formatComparison({
      title: `full request (clusters.list, limit ${CLUSTERS}) with JWT verification vs. a stub identity`,
      settings:
        `${options.connections} connections, ${options.warmupSec} s warm-up + ${options.durationSec} s measured per side ` +
        `in ${options.rounds} alternating rounds, ` +
        `pool ${options.poolSize}, tenant state cache ${options.tenantCacheMs} ms (the state check runs on every request); ${environment}`,
      sides: [jwt.result, stub.result],
      notes: [
        "",
        `jwt-uncached  ${u.requests} requests, ${u.errors} errors, ${fixed(u.requestsPerSec, 1)} req/s, ` +
          `p50 ${fixed(u.p50Ms, 2)} ms, p99 ${fixed(u.p99Ms, 2)} ms: ` +
          `jwt-uncached/stub throughput ${fixed(u.requestsPerSec / stub.result.load.requestsPerSec, 3)}x`,
      ],
    });
    if (errors.length > 0) throw new Error(`identity: errors during the run:\n${report}`);
    return {
      report,
      summary: [
        {
          benchmark: "identity",
          metric: "throughput jwt/stub",
          value: jwt.result.load.requestsPerSec / stub.result.load.requestsPerSec,
          target: { min: 0.9 },
          p99Ms: { first: jwt.result.load.p99Ms, second: stub.result.load.p99Ms },
        },
        {
          benchmark: "identity",
          metric: "throughput jwt-uncached/stub",
          value: u.requestsPerSec / stub.result.load.requestsPerSec,
          target: null,
          p99Ms: { first: u.p99Ms, second: stub.result.load.p99Ms },
        },
      ],
    };
  } finally {
    await removeSeededTenant(tenantId);
  }
}

/**
 * What verifying the caller costs (DESIGN §4, §13): the same full-stack request with jose JWT
 * verification, as the API runs it, against a stub identity that trusts every token; and, for
 * reference, with the verified-token cache off. The tenant state check runs on every side.
 */
export const identityBenchmark: Benchmark = {
  name: "identity",
  summary: "a full request with JWT verification vs. the same request with a stub identity",
  run,
};
