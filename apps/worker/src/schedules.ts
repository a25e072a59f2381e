import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from "@temporalio/client";
import { QUOTA_RECONCILE_SCHEDULE_ID, WORKFLOW_NAMES } from "@platforma/contracts/workflows";

/**
 * Creates the quota reconciler's schedule, or brings an existing one to the configured interval.
 * Every worker calls this at start; whichever comes first creates it.
 */
export async function ensureQuotaReconcileSchedule(
  client: Client,
  opts: { taskQueue: string; intervalSeconds: number; scheduleId?: string },
): Promise<void> {
  const scheduleId = opts.scheduleId ?? QUOTA_RECONCILE_SCHEDULE_ID;
  const spec = { intervals: [{ every: `${opts.intervalSeconds}s` as const }] };
  const action = {
    type: "startWorkflow" as const,
    workflowType: WORKFLOW_NAMES.reconcileQuotas,
    taskQueue: opts.taskQueue,
    workflowId: `${scheduleId}/run`,
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      // A slow run is never stacked behind another one.
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
}
