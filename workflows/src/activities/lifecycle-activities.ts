import { heartbeat, sleep } from "@temporalio/activity";
import { type LifecycleCommand, type TenantId, type TransitionOutcome } from "@platforma/contracts";
import {
  applyTenantTransition,
  closeUnstartedOrders,
  completeTenantPurge,
  countReleasedAllocations,
  countTenantRows,
  deleteTenantRows,
  exportTenantArchive,
  markComputeReleased,
  openOrderCount,
  purgeTableNames,
  recordArchiveCompleted,
  recordTransitionFailure,
  releaseProviderAllocations,
  unpublishedEventCount,
  type ArchiveSummary,
  type ComputeReleased,
  type PurgeReport,
} from "@platforma/domain";
import type { ActivityDeps } from "./activity-deps.ts";
import { finalIfDomain } from "./provider-call.ts";

/**
 * Activities of the tenant lifecycle workflow. All of them are idempotent: the transition checks
 * the state version, the archive overwrites its own keys, releases go by request key, and the
 * purge's deletes find nothing the second time.
 */
export function createLifecycleActivities(
  deps: Pick<
    ActivityDeps,
    "db" | "systemDb" | "provider" | "store" | "defaultRetentionDays" | "outboxWaitMs" | "drainWaitMs"
  >,
) {
  const { db, systemDb, provider, store } = deps;
  return {
    /**
     * The drain's first step: ends the tenant's orders no workflow has started on, and names the
     * workflows the lifecycle must cancel (each compensates what it took).
     */
    async closeUnstartedOrders(tenantId: TenantId, reason: string): Promise<string[]> {
      return (await closeUnstartedOrders(db, tenantId, reason)).toCancel;
    },

    /**
     * Waits until every order of the tenant has ended (compensations and deletions included). Gives
     * up after a while with a retryable failure, so the retry policy backs off.
     */
    async awaitTenantOrdersEnded(tenantId: TenantId): Promise<void> {
      const deadline = Date.now() + (deps.drainWaitMs ?? 60_000);
      for (;;) {
        const open = await openOrderCount(db, tenantId);
        if (open === 0) return;
        heartbeat(open);
        if (Date.now() > deadline) throw new Error(`${open} orders of ${tenantId} are still running`);
        await sleep(250);
      }
    },

    async applyTenantTransition(
      tenantId: TenantId,
      command: LifecycleCommand,
      expectedVersion: number,
      context: { at: number; archivePrefix?: string | undefined },
    ): Promise<TransitionOutcome> {
      try {
        return await applyTenantTransition(systemDb, tenantId, command, expectedVersion, {
          defaultRetentionDays: deps.defaultRetentionDays,
          archivePrefix: context.archivePrefix,
          at: new Date(context.at),
        });
      } catch (err) {
        throw finalIfDomain(err);
      }
    },

    async exportTenantArchive(tenantId: TenantId, prefix: string): Promise<ArchiveSummary> {
      return exportTenantArchive(systemDb, store, tenantId, prefix);
    },

    /**
     * Deprovisions every allocation, then marks the resources deleted and gives their quota back.
     * Reports the tenant's released allocations in total, which a resumed attempt counts exactly.
     */
    async releaseTenantCompute(tenantId: TenantId): Promise<ComputeReleased & { allocations: number }> {
      await releaseProviderAllocations(db, provider, tenantId, (n) => heartbeat(n));
      const marked = await markComputeReleased(db, tenantId);
      return { allocations: await countReleasedAllocations(db, tenantId), ...marked };
    },

    async recordArchiveCompleted(
      tenantId: TenantId,
      archive: ArchiveSummary,
      released: ComputeReleased & { allocations: number },
    ): Promise<void> {
      await recordArchiveCompleted(systemDb, tenantId, archive, released);
    },

    async recordTransitionFailure(
      tenantId: TenantId,
      failure: { transition: string; reason: string; message: string },
    ): Promise<void> {
      await recordTransitionFailure(systemDb, tenantId, failure);
    },

    /**
     * Waits until the relay has published every event of the tenant, so the purge deletes no event
     * consumers have not seen. Gives up after a while with a retryable failure (the retry policy
     * backs off), rather than holding one attempt open for as long as the broker is down.
     */
    async awaitTenantOutboxPublished(tenantId: TenantId): Promise<void> {
      const deadline = Date.now() + (deps.outboxWaitMs ?? 60_000);
      for (;;) {
        const pending = await unpublishedEventCount(systemDb, tenantId);
        if (pending === 0) return;
        heartbeat();
        if (Date.now() > deadline) throw new Error(`${pending} events of ${tenantId} are not published yet`);
        await sleep(250);
      }
    },

    async deleteTenantObjects(tenantId: TenantId): Promise<number> {
      return store.deletePrefix(tenantId, "", (n) => heartbeat(n));
    },

    async purgeTableNames(): Promise<string[]> {
      return purgeTableNames();
    },

    async deleteTenantRows(tenantId: TenantId, table: string): Promise<number> {
      return deleteTenantRows(systemDb, tenantId, table, (n) => heartbeat(n));
    },

    /** What the tenant has: rows per tenant table and objects under its prefix (zero after a purge). */
    async verifyTenantPurged(tenantId: TenantId): Promise<{ rows: Record<string, number>; objects: number }> {
      const [rows, objects] = await Promise.all([countTenantRows(systemDb, tenantId), store.list(tenantId)]);
      return { rows, objects: objects.length };
    },

    async completeTenantPurge(tenantId: TenantId, report: PurgeReport): Promise<string> {
      return completeTenantPurge(systemDb, tenantId, report);
    },
  };
}

export type LifecycleActivities = ReturnType<typeof createLifecycleActivities>;
