import { Client, Connection } from "@temporalio/client";
import { newId, type OrderId, type TenantId } from "@platforma/contracts";
import { WORKFLOW_NAMES, workflowIds } from "@platforma/contracts/workflows";
import { openAdmissionDb, type AdmissionUsage } from "./admission-db.ts";
import type { Benchmark, BenchContext } from "./benchmark.ts";
import { benchEnv } from "./bench-env.ts";
import { BENCH_AUDIENCE, BENCH_ISSUER, createBenchSigner } from "./bench-signer.ts";
import { formatComparison, type SideResult } from "./format-comparison.ts";
import type { FullStackServerConfig } from "./full-stack-server.ts";
import { postClusterCreate } from "./post-cluster-create.ts";
import { runClosedLoop, runInterleaved, runLoad, type LoadRequest } from "./run-load.ts";
import { startServerProcess } from "./server-process.ts";
import type { BenchmarkResult } from "./summary.ts";

const REGION = "eu-central-1";
const MAX_CLUSTERS = 10_000_000;
/** Spread over tenants so that admission's per-tenant queue (the admission benchmark) stays out of it. */
const TENANTS = 16;

/** What both sides' workflows must agree on: the same workflow, queued the same way, running. */
interface Started {
  type: string;
  taskQueue: string;
  status: string;
}

async function describe(client: Client, workflowId: string): Promise<Started> {
  const d = await client.workflow.getHandle(workflowId).describe();
  return { type: d.type, taskQueue: d.taskQueue, status: d.status.name };
}

/** Terminates what the run started (nothing polls its task queue, so nothing else would end it). */
async function terminateAll(client: Client, ids: readonly string[]): Promise<number> {
  let terminated = 0;
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
      try {
        await client.workflow.getHandle(id).terminate("benchmark run over");
        terminated++;
      } catch {
        // Never started (an order whose start failed) or already closed: nothing to end.
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return terminated;
}

async function run({ options, environment, progress }: BenchContext): Promise<BenchmarkResult> {
  const taskQueue = `bench-workflow-start-${globalThis.crypto.randomUUID().slice(0, 8)}`;
  const connection = await Connection.connect({ address: benchEnv.temporalAddress });
  const client = new Client({ connection, namespace: benchEnv.temporalNamespace });
  const db = openAdmissionDb(benchEnv.systemDatabaseUrl);
  const seeded: TenantId[] = [];
  const rawIds: string[] = [];
  try {
    progress(`seeding ${TENANTS} tenants; workflows go to task queue ${taskQueue}, which nothing polls`);
    seeded.push(...(await db.seedTenants(`wfstart ${taskQueue}`, TENANTS, REGION, MAX_CLUSTERS)));
    const signer = await createBenchSigner();
    const ttlSec = 2 * (options.warmupSec + options.durationSec) + 600;
    const headers = (await Promise.all(seeded.map((id) => signer.tenantToken(id, ttlSec)))).map((token) => ({
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
    }));
    let sent = 0;
    const nextRequest = (): LoadRequest => {
      const n = sent++;
      return {
        method: "POST",
        path: "/trpc/clusters.create",
        headers: headers[n % headers.length] ?? {},
        body: JSON.stringify({ name: `wf-${n.toString(36)}`, region: REGION }),
      };
    };

    const config: FullStackServerConfig = {
      databaseUrl: benchEnv.databaseUrl,
      systemDatabaseUrl: benchEnv.systemDatabaseUrl,
      poolSize: options.poolSize,
      issuer: BENCH_ISSUER,
      audience: BENCH_AUDIENCE,
      jwks: signer.jwks,
      tenantCacheMs: options.tenantCacheMs,
      temporal: { address: benchEnv.temporalAddress, namespace: benchEnv.temporalNamespace, taskQueue },
    };
    let n = 0;
    const startRaw = async (): Promise<string> => {
      const i = n++;
      const orderId = newId("order");
      const workflowId = workflowIds.order(orderId);
      rawIds.push(workflowId);
      await client.workflow.start(WORKFLOW_NAMES.provisionCluster, {
        taskQueue,
        workflowId,
        args: [{ tenantId: seeded[i % seeded.length], orderId, clusterId: newId("cluster"), region: REGION }],
      });
      return workflowId;
    };

    progress("api: starting the full-stack API server process (real Temporal workflow starter)");
    const server = await startServerProcess(new URL("./full-stack-server.ts", import.meta.url), config);
    let api: SideResult;
    let raw: SideResult;
    let apiStarted: Started;
    let rawStarted: Started;
    try {
      const probe = await postClusterCreate(server.origin, nextRequest());
      apiStarted = await describe(client, workflowIds.order(probe.orderId as OrderId));
      rawStarted = await describe(client, await startRaw());
      progress(
        `api, raw: ${options.warmupSec} s warm-up, ${options.durationSec} s measured each, in ${options.rounds} alternating rounds`,
      );
      const [apiLoad, rawLoad] = await runInterleaved(
        [
          ({ warmupMs, durationMs }) =>
            runLoad({
              origin: server.origin,
              nextRequest,
              connections: options.connections,
              warmupMs,
              durationMs,
            }),
          ({ warmupMs, durationMs }) =>
            runClosedLoop({
              call: async () => {
                await startRaw();
                return null;
              },
              connections: options.connections,
              warmupMs,
              durationMs,
            }),
        ],
        {
          rounds: options.rounds,
          warmupMs: options.warmupSec * 1000,
          durationMs: options.durationSec * 1000,
        },
      );
      if (!apiLoad || !rawLoad) throw new Error("workflow start: a side produced no result");
      api = {
        name: "api",
        description:
          "POST clusters.create: JWT, tenant state, order transaction (admission, rows, outbox), then the workflow start and its mark",
        load: apiLoad,
      };
      raw = {
        name: "raw",
        description:
          "@temporalio/client workflow.start of the same workflow with the same input shape, in this process",
        load: rawLoad,
      };
    } finally {
      await server.stop();
    }

    const usage: AdmissionUsage = await db.usage(seeded);
    const report = formatComparison({
      title:
        "workflow start: clusters.create through the API until the workflow runs vs. a raw Temporal client start",
      settings:
        `${options.connections} concurrent callers, ${options.warmupSec} s warm-up + ${options.durationSec} s measured per side ` +
        `in ${options.rounds} alternating rounds, ` +
        `${TENANTS} tenants, pool ${options.poolSize}; ${environment}; Temporal at ${benchEnv.temporalAddress}`,
      sides: [api, raw],
      notes: [
        "",
        `started: api ${JSON.stringify(apiStarted)}, raw ${JSON.stringify(rawStarted)}`,
        `api: ${usage.orders} orders over the whole run, ${usage.unstarted} with their workflow start still owed`,
      ],
    });
    if (JSON.stringify(apiStarted) !== JSON.stringify(rawStarted) || apiStarted.status !== "RUNNING") {
      throw new Error(`workflow start: the two sides did not start the same running workflow:\n${report}`);
    }
    if (
      api.load.errors > 0 ||
      raw.load.errors > 0 ||
      usage.unstarted > 0 ||
      usage.orders !== usage.clusters
    ) {
      throw new Error(`workflow start: errors or orders without their workflow:\n${report}`);
    }
    return {
      report,
      summary: [
        {
          benchmark: "workflow-start",
          metric: "throughput api/raw",
          value: api.load.requestsPerSec / raw.load.requestsPerSec,
          target: null,
          p99Ms: { first: api.load.p99Ms, second: raw.load.p99Ms },
        },
      ],
    };
  } finally {
    const apiIds = seeded.length > 0 ? (await db.usage(seeded)).workflowIds : [];
    const terminated = await terminateAll(client, [...apiIds, ...rawIds]);
    progress(`terminated the ${terminated} workflows the run started`);
    if (seeded.length > 0) await db.removeTenants(seeded);
    await db.close();
    await connection.close();
  }
}

/**
 * Workflow start (DESIGN §13): `clusters.create` through the whole API, whose answer comes once the
 * workflow is started (and its start marked on the order), against the same workflow started by a
 * bare Temporal client. The task queue is the run's own and nothing polls it: both sides measure
 * the start, not the provisioning; every workflow is terminated at the end.
 */
export const workflowStartBenchmark: Benchmark = {
  name: "workflow-start",
  summary: "clusters.create through the API until its workflow runs vs. a raw Temporal client start",
  run,
};
