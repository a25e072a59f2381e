import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertMemo,
  workflowInfo,
} from "@temporalio/workflow";
import {
  LIFECYCLE_TRANSITIONS,
  transitionRefusal,
  type LifecycleCommand,
  type LifecycleSnapshot,
  type LifecycleStatus,
  type RunningTransition,
  type TenantLifecycleInput,
  type TransitionOutcome,
} from "@platforma/contracts/lifecycle";
import { TENANT_LIFECYCLE_MESSAGES } from "@platforma/contracts/workflows";
import type { LifecycleActivities } from "../activities/lifecycle-activities.ts";
import { DB_STEP, LIFECYCLE_STEP } from "./activity-presets.ts";
import { failureReason } from "./failure-reason.ts";

export const transitionUpdate = defineUpdate<TransitionOutcome, [LifecycleCommand]>(
  TENANT_LIFECYCLE_MESSAGES.transition,
);
export const statusQuery = defineQuery<LifecycleStatus>(TENANT_LIFECYCLE_MESSAGES.status);

const db = proxyActivities<LifecycleActivities>(DB_STEP);
const work = proxyActivities<LifecycleActivities>(LIFECYCLE_STEP);

/**
 * Patch marker (SDK patching): archive, deletion and purge drain the tenant's orders before they
 * release or delete anything. Executions that ran those steps before the drain existed replay
 * without it.
 */
const DRAIN_ORDERS = "drain-orders-before-release";

/** Well under Temporal's 50k-event limit; a run this long has done plenty of transitions. */
const DEFAULT_HISTORY_LIMIT = 2000;
/** Delete passes before a purge that still finds data reports a failure and waits. */
const PURGE_PASSES = 3;
const PURGE_RETRY_AFTER = "1 hour";

/** `archive/<UTC time>/`: sortable, and free of characters object stores treat specially. */
const archivePrefixAt = (ms: number) => `archive/${new Date(ms).toISOString().replace(/[:.]/g, "-")}/`;

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * One long-lived workflow per tenant (`tenant/<ten_id>`): operators' transitions arrive as
 * validated updates, one at a time. An update returns once the new state is committed (so access
 * follows at once); what follows it runs here afterwards, visible as the running transition: an
 * archive's export and compute release, and, when a deletion's retention has passed on a durable
 * timer, the purge. After the purge the workflow ends, leaving the tombstone.
 */
export async function tenantLifecycle(input: TenantLifecycleInput): Promise<LifecycleStatus> {
  const { tenantId } = input;
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  let snap: LifecycleSnapshot = { ...input.snapshot };
  let running: RunningTransition | null = null;
  let archiveTo: string | null = null;
  let drainAfterDeletion = false;

  const status = (): LifecycleStatus => ({ ...snap, running });
  // The memo is what `tenants.get` reads (describe works without a worker, a query does not).
  const publish = () => upsertMemo({ lifecycle: status() });
  const step = (name: string) => {
    if (running) running = { ...running, step: name };
    publish();
  };
  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit;

  const refuse = (message: string): never => {
    throw ApplicationFailure.create({
      type: "invalid_transition",
      message,
      nonRetryable: true,
      details: [{ currentState: snap.state, running: running?.transition ?? null }],
    });
  };

  setHandler(statusQuery, status);
  setHandler(
    transitionUpdate,
    async (command) => {
      const at = Date.now();
      running = { transition: command.transition, startedAt: at, step: "apply" };
      publish();
      const archivePrefix = command.transition === "archive" ? archivePrefixAt(at) : undefined;
      try {
        const outcome = await db.applyTenantTransition(tenantId, command, snap.stateVersion, {
          at,
          archivePrefix,
        });
        snap = {
          state: outcome.state,
          stateVersion: outcome.stateVersion,
          purgeAfter: outcome.purgeAfter ? Date.parse(outcome.purgeAfter) : null,
          purged: false,
        };
        if (archivePrefix) {
          archiveTo = archivePrefix;
          running = { ...running, step: "export" };
        } else {
          // The deletion committed, so the tenant takes no new order; the ones in flight end now,
          // in the background: the deletion stays cancellable meanwhile.
          if (command.transition === "requestDeletion" && patched(DRAIN_ORDERS)) drainAfterDeletion = true;
          running = null;
        }
        log.info("tenant transition applied", {
          tenantId,
          transition: command.transition,
          state: snap.state,
        });
        return outcome;
      } catch (err) {
        running = null;
        const { reason, message } = failureReason(err, "transition_failed");
        if (reason !== "invalid_transition") {
          await db.recordTransitionFailure(tenantId, { transition: command.transition, reason, message });
        }
        const details =
          err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.details : [];
        throw ApplicationFailure.create({
          type: reason,
          message,
          nonRetryable: true,
          details: details ?? [],
        });
      } finally {
        publish();
      }
    },
    {
      validator(command) {
        if (
          !command ||
          typeof command !== "object" ||
          !Object.hasOwn(LIFECYCLE_TRANSITIONS, command.transition)
        ) {
          throw ApplicationFailure.create({
            type: "invalid_input",
            message: "unknown transition",
            nonRetryable: true,
          });
        }
        if (snap.purged) refuse("the tenant was purged");
        if (running) refuse(`a ${running.transition} of this tenant is in progress`);
        const refusal = transitionRefusal(command.transition, snap.state);
        if (refusal) refuse(refusal);
      },
    },
  );

  /**
   * The tenant's lifecycle owns its orders: once a transition that stops admissions committed,
   * orders no workflow has started end here, the rest are cancelled (each saga compensates what it
   * took), and this waits until every order ended, deletions included. Only then is anything
   * released or purged, so no step of an order can take inventory after the release.
   */
  async function drainOrders(reason: string): Promise<void> {
    step("drain");
    const toCancel = await work.closeUnstartedOrders(tenantId, reason);
    await Promise.all(
      toCancel.map((workflowId) =>
        getExternalWorkflowHandle(workflowId)
          .cancel()
          // Already finished, or started after all: the wait below sees it end either way.
          .catch(() => undefined),
      ),
    );
    await work.awaitTenantOrdersEnded(tenantId);
  }

  async function finishArchive(prefix: string): Promise<void> {
    try {
      if (patched(DRAIN_ORDERS)) await drainOrders("tenant_archived");
      step("export");
      const archive = await work.exportTenantArchive(tenantId, prefix);
      step("release-compute");
      const released = await work.releaseTenantCompute(tenantId);
      await db.recordArchiveCompleted(tenantId, archive, released);
      log.info("tenant archived", { tenantId, manifest: archive.manifestKey });
    } catch (err) {
      const { reason, message } = failureReason(err, "transition_failed");
      await db.recordTransitionFailure(tenantId, { transition: "archive", reason, message });
    }
  }

  /**
   * Deleted counts are what a pass found before deleting minus what it found after, both recorded
   * in the history, so they stay exact when a step is interrupted and retried on another worker.
   */
  async function purge(): Promise<void> {
    const deletedRows: Record<string, number> = {};
    let deletedObjects = 0;
    for (let pass = 1; ; pass++) {
      if (patched(DRAIN_ORDERS)) await drainOrders("tenant_deleted");
      // The purge deletes the tenant's outbox rows: first let the relay publish every event.
      step("await-outbox");
      await work.awaitTenantOutboxPublished(tenantId);
      step("release-compute");
      const { allocations } = await work.releaseTenantCompute(tenantId);
      step("inventory");
      const found = await work.verifyTenantPurged(tenantId);
      step("delete-objects");
      await work.deleteTenantObjects(tenantId);
      step("delete-rows");
      for (const table of await work.purgeTableNames()) await work.deleteTenantRows(tenantId, table);
      step("verify");
      const left = await work.verifyTenantPurged(tenantId);
      for (const [table, n] of Object.entries(found.rows)) {
        deletedRows[table] = (deletedRows[table] ?? 0) + Math.max(n - (left.rows[table] ?? 0), 0);
      }
      deletedObjects += Math.max(found.objects - left.objects, 0);
      const remaining = sum(Object.values(left.rows)) + left.objects;
      if (remaining === 0) {
        step("tombstone");
        const rows = Object.fromEntries(
          Object.entries(left.rows).map(([table, n]) => [
            table,
            { deleted: deletedRows[table] ?? 0, remaining: n },
          ]),
        );
        await work.completeTenantPurge(tenantId, {
          allocationsReleased: allocations,
          rows,
          objects: { deleted: deletedObjects, remaining: left.objects },
        });
        snap = { ...snap, purged: true };
        log.info("tenant purged", {
          tenantId,
          rows: sum(Object.values(deletedRows)),
          objects: deletedObjects,
        });
        return;
      }
      log.warn("purge verification found data left", { tenantId, pass, remaining });
      if (pass >= PURGE_PASSES) {
        await db.recordTransitionFailure(tenantId, {
          transition: "purge",
          reason: "purge_incomplete",
          message: `verification found ${remaining} rows or objects left after ${pass} passes`,
        });
        await sleep(PURGE_RETRY_AFTER);
        pass = 0;
      }
    }
  }

  publish();
  for (;;) {
    await condition(() => running === null || archiveTo !== null || drainAfterDeletion);
    if (drainAfterDeletion) {
      drainAfterDeletion = false;
      try {
        await drainOrders("tenant_deleted");
      } catch (err) {
        const { reason, message } = failureReason(err, "transition_failed");
        await db.recordTransitionFailure(tenantId, { transition: "requestDeletion", reason, message });
      }
      running = null;
      publish();
      continue;
    }
    if (archiveTo !== null) {
      await finishArchive(archiveTo);
      archiveTo = null;
      running = null;
      publish();
      continue;
    }
    if (snap.purged) break;
    if (shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      if (running !== null) continue;
      await continueAsNew<typeof tenantLifecycle>({ ...input, snapshot: snap });
    }
    const due = snap.state === "deleted" ? snap.purgeAfter : null;
    if (due === null) {
      await condition(
        () =>
          running !== null || shouldContinueAsNew() || (snap.state === "deleted" && snap.purgeAfter !== null),
      );
      continue;
    }
    // The retention timer: durable, survives workers and continue-as-new (the deadline is in the snapshot).
    const waitMs = due - Date.now();
    if (waitMs > 0) {
      const woke = await condition(
        () =>
          running !== null || snap.state !== "deleted" || snap.purgeAfter !== due || shouldContinueAsNew(),
        waitMs,
      );
      if (woke) continue;
    }
    // A cancellation accepted in the same activation as the timer wins: it is already running.
    if (running !== null || snap.state !== "deleted") continue;
    running = { transition: "purge", startedAt: Date.now(), step: "start" };
    publish();
    await purge();
    running = null;
    publish();
  }
  await condition(allHandlersFinished);
  return status();
}
