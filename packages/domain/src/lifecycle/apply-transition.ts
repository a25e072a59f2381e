import { eq } from "drizzle-orm";
import {
  DomainError,
  transitionRefusal,
  type LifecycleCommand,
  type TenantId,
  type TenantState,
  type TransitionOutcome,
} from "@platforma/contracts";
import { tenants, type SystemDb, type Tx } from "@platforma/db";
import { appendEvent } from "@platforma/events";

export interface ApplyTransitionOptions {
  /** The platform's retention when neither the request nor the tenant overrides it. */
  defaultRetentionDays: number;
  /** Archive only: where the export is written (named in `tenant.archived`). */
  archivePrefix?: string | undefined;
  /**
   * When the transition was asked for, in the lifecycle workflow's time. A deletion's purge date
   * is computed from it, so the database and the workflow's durable timer agree exactly.
   */
  at?: Date | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function outcomeOf(row: typeof tenants.$inferSelect): TransitionOutcome {
  return {
    state: row.state,
    previousState: row.previousState ?? row.state,
    stateVersion: row.stateVersion,
    purgeAfter: row.purgeAfter?.toISOString() ?? null,
  };
}

async function announce(
  tx: Tx,
  tenantId: TenantId,
  command: LifecycleCommand,
  row: typeof tenants.$inferSelect,
  previousState: TenantState,
  opts: ApplyTransitionOptions,
): Promise<void> {
  const ref = { tenantId, previousState, requestedBy: command.requestedBy };
  switch (command.transition) {
    case "suspend":
      await appendEvent(tx, tenantId, "tenant.suspended.v1", { ...ref, reason: command.reason });
      return;
    case "resume":
      await appendEvent(tx, tenantId, "tenant.resumed.v1", ref);
      return;
    case "archive":
      await appendEvent(tx, tenantId, "tenant.archived.v1", {
        ...ref,
        reason: command.reason ?? null,
        archivePrefix: opts.archivePrefix ?? "",
      });
      return;
    case "restore":
      await appendEvent(tx, tenantId, "tenant.restored.v1", ref);
      return;
    case "requestDeletion":
      await appendEvent(tx, tenantId, "tenant.deletion_requested.v1", {
        ...ref,
        reason: command.reason ?? null,
        retentionDays: row.retentionDays ?? opts.defaultRetentionDays,
        purgeAfter: row.purgeAfter?.toISOString() ?? "",
      });
      return;
    case "cancelDeletion":
      await appendEvent(tx, tenantId, "tenant.deletion_cancelled.v1", { ...ref, state: row.state });
      return;
  }
}

/**
 * Applies one lifecycle transition to the tenants row and writes its event, in one transaction.
 * `expectedVersion` is the state version the lifecycle workflow saw: a retried activity whose
 * first attempt committed finds version + 1 and answers with what it did instead of failing, and
 * any other version means someone else changed the state, which is refused.
 */
export async function applyTenantTransition(
  db: SystemDb,
  tenantId: TenantId,
  command: LifecycleCommand,
  expectedVersion: number,
  opts: ApplyTransitionOptions,
): Promise<TransitionOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(tenants).where(eq(tenants.id, tenantId)).for("update");
    if (!row) throw new DomainError("not_found", `tenant ${tenantId} not found`);
    if (row.stateVersion === expectedVersion + 1) return outcomeOf(row);
    const refuse = (message: string) =>
      new DomainError("invalid_transition", message, {
        currentState: row.state,
        transition: command.transition,
      });
    if (row.purgedAt) throw refuse("the tenant was purged");
    if (row.stateVersion !== expectedVersion) throw refuse("the tenant's state changed concurrently");
    const refusal = transitionRefusal(command.transition, row.state);
    if (refusal) throw refuse(refusal);

    const now = opts.at ?? new Date();
    const base = {
      previousState: row.state,
      stateVersion: row.stateVersion + 1,
      updatedAt: now,
    };
    let values: Partial<typeof tenants.$inferInsert>;
    switch (command.transition) {
      case "suspend":
        values = { ...base, state: "suspended", stateReason: command.reason };
        break;
      case "archive":
        values = { ...base, state: "archived", stateReason: command.reason ?? null };
        break;
      case "resume":
      case "restore":
        values = { ...base, state: "active", stateReason: null };
        break;
      case "requestDeletion": {
        const retentionDays = command.retentionDays ?? row.retentionDays ?? opts.defaultRetentionDays;
        values = {
          ...base,
          state: "deleted",
          stateReason: command.reason ?? null,
          retentionDays: command.retentionDays ?? row.retentionDays,
          deletionRequestedAt: now,
          purgeAfter: new Date(now.getTime() + retentionDays * DAY_MS),
        };
        break;
      }
      case "cancelDeletion":
        values = {
          ...base,
          // The state the deletion was requested from; a row from before lifecycle tracking has none.
          state: row.previousState && row.previousState !== "deleted" ? row.previousState : "active",
          stateReason: null,
          deletionRequestedAt: null,
          purgeAfter: null,
        };
        break;
    }
    const [updated] = await tx.update(tenants).set(values).where(eq(tenants.id, tenantId)).returning();
    if (!updated) throw new Error("tenant update returned no row");
    await announce(tx, tenantId, command, updated, row.state, opts);
    return outcomeOf(updated);
  });
}
