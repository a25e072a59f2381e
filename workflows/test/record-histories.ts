/**
 * Records the histories that `replay.test.ts` replays: drives every workflow type through its main
 * paths with the current code against the real stack, and writes each execution's history to
 * `histories/<case>.json`. Usage (services running, their env exported, see README.md):
 *
 *   node workflows/test/record-histories.ts [case ...]
 *
 * With no case names every case is recorded. Files of the recorded cases are overwritten; others
 * are left alone, so older generations of fixtures keep replaying against newer code.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { historyToJSON } from "@temporalio/common/lib/proto-utils.js";
import { WORKFLOW_NAMES, workflowIds, type OrderId, type TenantId } from "@platforma/contracts";
import { createTenantLifecycleClient, transitionTenant, type LifecycleDeps } from "@platforma/domain";
import { readyCluster } from "../../test/cluster-fixtures.ts";
import { eventually } from "../../test/eventually.ts";
import globalSetup from "../../test/global-setup.ts";
import { seedTestRegion } from "../../test/inventory-fixtures.ts";
import { lifecycleIdle, provisionedTenantCompute } from "../../test/lifecycle-fixtures.ts";
import { startStack, type StackOptions, type TestStack } from "../../test/stack.ts";

type Provider = NonNullable<StackOptions["provider"]>;
type Failures = NonNullable<Provider["failures"]>;
type Latency = NonNullable<Provider["latency"]>;
type Client = TestStack["operator"];
type Handle = ReturnType<NonNullable<TestStack["temporal"]>["workflow"]["getHandle"]>;

/** One execution to save: a case name (the file name) and the run it recorded. */
interface Recording {
  name: string;
  workflowId: string;
  runId?: string;
}

interface CaseContext {
  stack: TestStack;
  /** Mutated per case; the simulated driver reads them at call time. */
  failures: Failures;
  latency: Latency;
}

type Case = (ctx: CaseContext) => Promise<Recording[]>;

const OUT_DIR = new URL("./histories/", import.meta.url);

/** Lifecycle input's history limit for the continue-as-new case: a few transitions fill it. */
const SHORT_HISTORY_LIMIT = 40;

async function orderIn(client: Client, orderId: OrderId, states: string[]) {
  return eventually(
    async () => {
      const o = await client.orders.get.query({ orderId });
      if (!states.includes(o.state)) throw new Error(`order ${orderId} is ${o.state}, waiting for ${states}`);
      return o;
    },
    { timeoutMs: 60_000 },
  );
}

async function stepRunning(client: Client, orderId: OrderId, step: string) {
  await eventually(
    async () => {
      const o = await client.orders.get.query({ orderId });
      if (o.steps.find((s) => s.name === step)?.state !== "running") throw new Error(`${step} not running`);
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
}

const dedicatedSpec = (backend: "ceph" | "nvme") => ({
  placement: "dedicated" as const,
  dedicated: {
    nodes: 2,
    network: {
      cidr: "10.20.0.0/16",
      firewallRules: [
        {
          direction: "ingress" as const,
          protocol: "tcp" as const,
          ports: { from: 443, to: 443 },
          cidr: "0.0.0.0/0",
          action: "allow" as const,
        },
      ],
    },
    storage: { backend, sizeTb: 8 },
  },
});

async function dedicatedTenant(stack: TestStack) {
  const region = await seedTestRegion(stack.deps.systemDb);
  const tenant = await stack.newTenant({ allowedRegions: [region], dedicatedEntitled: true });
  return { ...tenant, region };
}

async function readyDedicated(stack: TestStack, client: Client, region: string) {
  const { cluster, order } = await client.clusters.create.mutate({
    name: "dedicated",
    region,
    ...dedicatedSpec("ceph"),
  });
  await orderIn(client, order.id, ["completed"]);
  return { cluster, order };
}

const order = (name: string, o: { workflowId: string } | null | undefined): Recording => {
  if (!o) throw new Error(`${name}: no order was placed`);
  return { name, workflowId: o.workflowId };
};

const tenantRecording = (name: string, tenantId: TenantId): Recording => ({
  name,
  workflowId: workflowIds.tenant(tenantId),
});

const CASES: Record<string, Case> = {
  async "provision-cluster.completed"({ stack }) {
    const { client } = await stack.newTenant();
    const { order: o } = await client.clusters.create.mutate({ name: "web", region: "eu-central-1" });
    await orderIn(client, o.id, ["completed"]);
    return [order("provision-cluster.completed", o)];
  },

  async "provision-cluster.failed-capacity"({ stack }) {
    // Allowed for the tenant but absent from the inventory: the allocation fails as capacity.
    const { client } = await stack.newTenant({ allowedRegions: ["zz-empty-1"] });
    const { order: o } = await client.clusters.create.mutate({ name: "nowhere", region: "zz-empty-1" });
    await orderIn(client, o.id, ["failed"]);
    return [order("provision-cluster.failed-capacity", o)];
  },

  async "provision-cluster.cancelled"({ stack, latency }) {
    const { client } = await stack.newTenant();
    latency.allocateCluster = 3000;
    const { order: o } = await client.clusters.create.mutate({ name: "cancel-me", region: "eu-central-1" });
    await stepRunning(client, o.id, "compute");
    await client.orders.cancel.mutate({ orderId: o.id });
    await orderIn(client, o.id, ["failed"]);
    return [order("provision-cluster.cancelled", o)];
  },

  async "provision-dedicated-cluster.completed"({ stack }) {
    const { client, region } = await dedicatedTenant(stack);
    const { order: o } = await readyDedicated(stack, client, region);
    return [order("provision-dedicated-cluster.completed", o)];
  },

  async "provision-dedicated-cluster.compensated"({ stack, failures }) {
    const { client, region } = await dedicatedTenant(stack);
    // Fails the third step, so two earlier undos run before the failed step's own.
    failures.attachNvmeDrives = "capacity";
    const { order: o } = await client.clusters.create.mutate({
      name: "fail-storage",
      region,
      ...dedicatedSpec("nvme"),
    });
    await orderIn(client, o.id, ["compensated"]);
    return [order("provision-dedicated-cluster.compensated", o)];
  },

  async "provision-dedicated-cluster.cancelled"({ stack, latency }) {
    const { client, region } = await dedicatedTenant(stack);
    latency.attachNvmeDrives = 3000;
    const { order: o } = await client.clusters.create.mutate({
      name: "cancel-me",
      region,
      ...dedicatedSpec("nvme"),
    });
    await stepRunning(client, o.id, "storage");
    await client.orders.cancel.mutate({ orderId: o.id });
    await orderIn(client, o.id, ["compensated"]);
    return [order("provision-dedicated-cluster.cancelled", o)];
  },

  async "deprovision-cluster.shared"({ stack }) {
    const { client } = await stack.newTenant();
    const clusterId = await readyCluster(stack, client, "doomed");
    const { order: o } = await client.clusters.delete.mutate({ clusterId });
    await orderIn(client, o!.id, ["completed"]);
    return [order("deprovision-cluster.shared", o)];
  },

  async "deprovision-cluster.dedicated"({ stack }) {
    const { client, region } = await dedicatedTenant(stack);
    const { cluster } = await readyDedicated(stack, client, region);
    const { order: inst } = await client.instances.create.mutate({
      clusterId: cluster.id,
      name: "app",
      cpuCores: 4,
      memoryGb: 8,
    });
    await orderIn(client, inst.id, ["completed"]);
    const { order: o } = await client.clusters.delete.mutate({ clusterId: cluster.id });
    await orderIn(client, o!.id, ["completed"]);
    return [order("deprovision-cluster.dedicated", o)];
  },

  async "resource.instance"({ stack }) {
    const { client } = await stack.newTenant();
    const clusterId = await readyCluster(stack, client);
    const { instance, order: created } = await client.instances.create.mutate({
      clusterId,
      name: "api-1",
      cpuCores: 8,
      memoryGb: 32,
    });
    await orderIn(client, created.id, ["completed"]);
    const { order: deleted } = await client.instances.delete.mutate({ instanceId: instance.id });
    await orderIn(client, deleted!.id, ["completed"]);
    return [
      order("provision-resource.instance-completed", created),
      order("deprovision-resource.instance-completed", deleted),
    ];
  },

  async "provision-resource.storage-pool-failed"({ stack, failures }) {
    const { client } = await stack.newTenant();
    const clusterId = await readyCluster(stack, client);
    failures.provisionResource = "capacity";
    const { order: o } = await client.storage.create.mutate({
      clusterId,
      name: "data",
      backend: "ceph",
      sizeTb: 12,
    });
    await orderIn(client, o.id, ["failed"]);
    return [order("provision-resource.storage-pool-failed", o)];
  },

  async "apply-firewall-rules.completed"({ stack }) {
    const { client, region } = await dedicatedTenant(stack);
    await readyDedicated(stack, client, region);
    const [network] = (await client.networks.list.query()).items;
    const { order: o } = await client.networks.updateFirewallRules.mutate({
      networkId: network!.id,
      rules: [{ direction: "egress", protocol: "any", cidr: "::/0", action: "deny" }],
    });
    await orderIn(client, o.id, ["completed"]);
    return [order("apply-firewall-rules.completed", o)];
  },

  async "reconcile-quotas.completed"({ stack }) {
    const workflowId = `replay-recorder-reconcile-${globalThis.crypto.randomUUID()}`;
    await stack.temporal!.workflow.execute(WORKFLOW_NAMES.reconcileQuotas, {
      taskQueue: stack.taskQueue,
      workflowId,
      args: [],
    });
    return [{ name: "reconcile-quotas.completed", workflowId }];
  },

  async "tenant-lifecycle.suspended-resumed"({ stack }) {
    const { tenantId } = await stack.newTenant();
    await stack.operator.tenants.suspend.mutate({ tenantId, reason: "non-payment" });
    await stack.operator.tenants.resume.mutate({ tenantId });
    return [tenantRecording("tenant-lifecycle.suspended-resumed", tenantId)];
  },

  async "tenant-lifecycle.archived"({ stack }) {
    const { tenantId, client } = await stack.newTenant();
    await provisionedTenantCompute(client);
    await stack.operator.tenants.archive.mutate({ tenantId, reason: "contract ended" });
    // Recorded once the export and compute release that follow the update have finished.
    await lifecycleIdle(stack, tenantId);
    return [tenantRecording("tenant-lifecycle.archived", tenantId)];
  },

  async "tenant-lifecycle.archived-mid-saga"({ stack, latency }) {
    // The drain: a saga in flight is cancelled by the lifecycle and compensates before the release.
    const { tenantId, client, region } = await dedicatedTenant(stack);
    latency.allocateNodes = 1500;
    const { order: o } = await client.clusters.create.mutate({
      name: "inflight",
      region,
      ...dedicatedSpec("ceph"),
    });
    await stepRunning(client, o.id, "compute");
    await stack.operator.tenants.archive.mutate({ tenantId, reason: "contract ended" });
    await lifecycleIdle(stack, tenantId);
    // The tenant's own credential no longer reads its orders: wait on the workflow instead.
    await stack.temporal!.workflow.getHandle(o.workflowId).result();
    return [
      tenantRecording("tenant-lifecycle.archived-mid-saga", tenantId),
      order("provision-dedicated-cluster.cancelled-by-archive", o),
    ];
  },

  async "tenant-lifecycle.deletion-pending"({ stack }) {
    // The platform default retention (90 days): the run is left sleeping on its retention timer,
    // as every deleted tenant in production is for months.
    const { tenantId } = await stack.newTenant();
    await stack.operator.tenants.requestDeletion.mutate({ tenantId, reason: "contract terminated" });
    return [tenantRecording("tenant-lifecycle.deletion-pending", tenantId)];
  },

  async "tenant-lifecycle.deletion-cancelled"({ stack }) {
    const { tenantId } = await stack.newTenant();
    await stack.operator.tenants.suspend.mutate({ tenantId, reason: "review" });
    await stack.operator.tenants.requestDeletion.mutate({ tenantId, retentionDays: 30 });
    await stack.operator.tenants.cancelDeletion.mutate({ tenantId });
    return [tenantRecording("tenant-lifecycle.deletion-cancelled", tenantId)];
  },

  async "tenant-lifecycle.purged"({ stack }) {
    const { tenantId, client } = await stack.newTenant();
    await readyCluster(stack, client);
    await stack.store.put(tenantId, "exports/report.csv", "a,b\n");
    await stack.operator.tenants.requestDeletion.mutate({ tenantId, retentionDays: 0 });
    await stack.temporal!.workflow.getHandle(workflowIds.tenant(tenantId)).result();
    return [tenantRecording("tenant-lifecycle.purged", tenantId)];
  },

  async "tenant-lifecycle.continued-as-new"({ stack }) {
    const { tenantId } = await stack.newTenant();
    const deps: LifecycleDeps = {
      systemDb: stack.deps.systemDb,
      tenantAccess: stack.deps.tenantAccess,
      lifecycle: createTenantLifecycleClient(stack.temporal!, {
        taskQueue: stack.taskQueue,
        historyLimit: SHORT_HISTORY_LIMIT,
      }),
    };
    const workflowId = workflowIds.tenant(tenantId);
    const handle = stack.temporal!.workflow.getHandle(workflowId);
    await transitionTenant(deps, tenantId, {
      transition: "suspend",
      reason: "round 0",
      requestedBy: "usr_op",
    });
    const firstRunId = (await handle.describe()).runId;
    for (let round = 1; (await handle.describe()).runId === firstRunId; round++) {
      if (round > 20) throw new Error("the lifecycle workflow did not continue as new");
      await transitionTenant(deps, tenantId, { transition: "resume", requestedBy: "usr_op" });
      await transitionTenant(deps, tenantId, {
        transition: "suspend",
        reason: `round ${round}`,
        requestedBy: "usr_op",
      });
    }
    await transitionTenant(deps, tenantId, { transition: "resume", requestedBy: "usr_op" });
    return [
      { name: "tenant-lifecycle.continued-as-new.first-run", workflowId, runId: firstRunId },
      { name: "tenant-lifecycle.continued-as-new.next-run", workflowId },
    ];
  },
};

/**
 * Waits until the execution is closed, or, if it keeps running, has nothing in flight (no workflow
 * task, no activity) and its history has stopped growing: the shape a worker would find it in.
 */
async function settle(handle: Handle): Promise<void> {
  let lastLength = -1;
  await eventually(
    async () => {
      const d = await handle.describe();
      const idle =
        d.status.name !== "RUNNING" ||
        (!d.raw.pendingWorkflowTask && (d.raw.pendingActivities?.length ?? 0) === 0);
      const length = d.historyLength;
      const stable = length === lastLength;
      lastLength = length;
      if (!idle || !stable) throw new Error(`${handle.workflowId} is not settled`);
    },
    { timeoutMs: 60_000, intervalMs: 300 },
  );
}

/** Identities and sticky queue names name the recording host and process; replay reads neither. */
function scrubHost(key: string, value: unknown): unknown {
  if (key === "identity") return "replay-recorder";
  if (value && typeof value === "object" && (value as { kind?: unknown }).kind === "TASK_QUEUE_KIND_STICKY")
    return { ...value, name: "replay-recorder-sticky" };
  return value;
}

/**
 * The history as Temporal's JSON, one event per line (diffable, half the size of the indented
 * form), plus the workflow id, which a history does not contain and `historyFromJSON` ignores.
 */
function fixtureJson(workflowId: string, history: Awaited<ReturnType<Handle["fetchHistory"]>>): string {
  const json = JSON.parse(historyToJSON(history), scrubHost) as { events: unknown[] };
  const events = json.events.map((e) => `    ${JSON.stringify(e)}`).join(",\n");
  return `{\n  "workflowId": ${JSON.stringify(workflowId)},\n  "events": [\n${events}\n  ]\n}\n`;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !Object.hasOwn(CASES, name));
  if (unknown.length > 0) {
    throw new Error(`unknown cases: ${unknown.join(", ")}; known: ${Object.keys(CASES).join(", ")}`);
  }
  await globalSetup();
  const failures: Failures = {};
  const latency: Latency = {};
  // The relay runs because a purge waits for the tenant's events to be published.
  const stack = await startStack({ worker: true, relay: true, provider: { failures, latency } });
  const files = new Map<string, string>();
  const stillRunning: Handle[] = [];
  try {
    for (const [caseName, run] of Object.entries(CASES)) {
      if (wanted.length > 0 && !wanted.includes(caseName)) continue;
      for (const k of Object.keys(failures)) delete failures[k as keyof Failures];
      for (const k of Object.keys(latency)) delete latency[k as keyof Latency];
      const started = Date.now();
      for (const rec of await run({ stack, failures, latency })) {
        const handle = stack.temporal!.workflow.getHandle(rec.workflowId, rec.runId);
        await settle(handle);
        const { status } = await handle.describe();
        if (status.name === "RUNNING") stillRunning.push(handle);
        files.set(rec.name, fixtureJson(rec.workflowId, await handle.fetchHistory()));
        console.log(`${rec.name}: ${status.name.toLowerCase()} (${Date.now() - started} ms)`);
      }
    }
  } finally {
    // Nothing polls the recorder's task queue once it exits: end what it left running.
    for (const handle of stillRunning) {
      await handle.terminate("recorded for the replay tests").catch(() => {});
    }
    await stack.close();
  }
  await mkdir(OUT_DIR, { recursive: true });
  for (const [name, json] of files) await writeFile(new URL(`${name}.json`, OUT_DIR), json);
  console.log(`wrote ${files.size} histories to ${OUT_DIR.pathname}`);
}

await main();
