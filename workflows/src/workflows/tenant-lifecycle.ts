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
import type {
  LifecycleCommand,
  LifecycleStatus,
  TenantLifecycleInput,
  TransitionOutcome,
} from "@platforma/contracts/lifecycle";
import { TENANT_LIFECYCLE_MESSAGES } from "@platforma/contracts/workflows";
import type { LifecycleActivities } from "../activities/lifecycle-activities.ts";
import { DB_STEP, LIFECYCLE_STEP } from "./activity-presets.ts";
import { failureReason } from "./failure-reason.ts";
import { LifecycleState, PurgeTally } from "./lifecycle-state.ts";

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

/**
 * One long-lived workflow per tenant (`tenant/<ten_id>`): operators' transitions arrive as
 * validated updates, one at a time. An update returns once the new state is committed (so access
 * follows at once); what follows it runs here afterwards: a deletion's drain of the tenant's
 * orders, an archive's drain, export and compute release (visible as the running transition), and,
 * when a deletion's retention has passed on a durable timer, the purge. After the purge the
 * workflow ends, leaving the tombstone. The state and its rules live in `LifecycleState`; this is
 * the loop and the activities around it.
 */
export async function tenantLifecycle(input: TenantLifecycleInput): Promise<LifecycleStatus> {
  const { tenantId } = input;
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const life = new LifecycleState(input.snapshot);

  // The memo is what `tenants.get` reads (describe works without a worker, a query does not).
  const publish = () => upsertMemo({ lifecycle: life.status() });
  const step = (name: string) => {
    life.step(name);
    publish();
  };
  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit;

  setHandler(statusQuery, () => life.status());
  setHandler(
    transitionUpdate,
    async (command) => {
      const at = Date.now();
      const { archivePrefix } = life.begin(command, at);
      publish();
      try {
        const outcome = await db.applyTenantTransition(tenantId, command, life.snapshot.stateVersion, {
          at,
          archivePrefix,
        });
        const drain = command.transition === "requestDeletion" && patched(DRAIN_ORDERS);
        life.applied(command, outcome, { archivePrefix, drain });
        log.info("tenant transition applied", {
          tenantId,
          transition: command.transition,
          state: life.snapshot.state,
        });
        return outcome;
      } catch (err) {
        life.failed();
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
        const refusal = life.refusal(command);
        if (!refusal) return;
        throw ApplicationFailure.create({
          type: refusal.type,
          message: refusal.message,
          nonRetryable: true,
          ...(refusal.type === "invalid_transition"
            ? {
                details: [{ currentState: life.snapshot.state, running: life.running?.transition ?? null }],
              }
            : {}),
        });
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

  /** Drain, release, delete and verify until nothing is left; then the tombstone. */
  async function purge(): Promise<boolean> {
    const tally = new PurgeTally();
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
      const remaining = tally.pass(found, left);
      if (remaining === 0) {
        step("tombstone");
        await work.completeTenantPurge(tenantId, tally.report(left, allocations));
        log.info("tenant purged", { tenantId, ...tally.totals() });
        return true;
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
    await condition(() => life.hasWork());
    const next = life.next();
    if (next.kind === "drain-deletion") {
      try {
        await drainOrders("tenant_deleted");
      } catch (err) {
        const { reason, message } = failureReason(err, "transition_failed");
        await db.recordTransitionFailure(tenantId, { transition: "requestDeletion", reason, message });
      }
      life.drained();
      publish();
      continue;
    }
    if (next.kind === "finish-archive") {
      await finishArchive(next.prefix);
      life.archiveFinished();
      publish();
      continue;
    }
    if (next.kind === "done") break;
    if (shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      if (life.running !== null) continue;
      await continueAsNew<typeof tenantLifecycle>({ ...input, snapshot: life.snapshot });
    }
    if (next.kind === "idle") {
      await condition(() => life.idleWakes() || shouldContinueAsNew());
      continue;
    }
    // The retention timer: durable, survives workers and continue-as-new (the deadline is in the snapshot).
    const waitMs = next.due - Date.now();
    if (waitMs > 0) {
      const woke = await condition(() => life.retentionWakes(next.due) || shouldContinueAsNew(), waitMs);
      if (woke) continue;
    }
    if (!life.startPurge(Date.now())) continue;
    publish();
    life.purgeFinished(await purge());
    publish();
  }
  await condition(allHandlersFinished);
  return life.status();
}
