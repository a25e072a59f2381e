import { Worker, type NativeConnection } from "@temporalio/worker";
import { WORKFLOW_NAMES } from "@platforma/contracts/workflows";
import type { AppDb, SystemDb } from "@platforma/db";
import type { ProviderDriver } from "@platforma/providers";
import type { TenantObjectStore } from "@platforma/storage";
import { createActivities } from "@platforma/workflows/activities";
import * as workflows from "@platforma/workflows/workflows";
import { workflowsPath } from "@platforma/workflows";

export interface RunWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: AppDb;
  systemDb: SystemDb;
  provider: ProviderDriver;
  store: TenantObjectStore;
  /** Platform default retention of deleted tenants, in days. */
  defaultRetentionDays: number;
  /** A prebuilt bundle (production); without it, workflows are bundled at start-up. */
  workflowBundle?: { codePath: string };
  /**
   * On shutdown, how long running activities may still finish before they are cancelled (the SDK's
   * default is 0: every deploy would cancel them). Default 0, as tests that stop workers want.
   */
  shutdownGraceMs?: number;
}

/** After the grace, how long cancelled activities get to return before `run()` gives up. */
const SHUTDOWN_FORCE_AFTER_GRACE_MS = 3000;

/** Fails at boot, not at the first order, if a contracted workflow is missing from the bundle. */
export function assertContractedWorkflows(exported: Record<string, unknown> = workflows): void {
  const missing = Object.values(WORKFLOW_NAMES).filter((name) => typeof exported[name] !== "function");
  if (missing.length > 0)
    throw new Error(`workflow bundle lacks contracted workflows: ${missing.join(", ")}`);
}

export async function createWorker(opts: RunWorkerOptions): Promise<Worker> {
  assertContractedWorkflows();
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createActivities({
      db: opts.db,
      systemDb: opts.systemDb,
      provider: opts.provider,
      store: opts.store,
      defaultRetentionDays: opts.defaultRetentionDays,
    }),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
    shutdownGraceTime: opts.shutdownGraceMs ?? 0,
    shutdownForceTime: (opts.shutdownGraceMs ?? 0) + SHUTDOWN_FORCE_AFTER_GRACE_MS,
  });
}
