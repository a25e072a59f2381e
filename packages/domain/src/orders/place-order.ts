import { isDeepStrictEqual } from "node:util";
import { count, eq, inArray } from "drizzle-orm";
import {
  DomainError,
  newId,
  workflowIds,
  type OrderId,
  type QuotaRequest,
  type TenantId,
} from "@platforma/contracts";
import { OPEN_ORDER_STATES, orders, withTenant, type AppDb, type TenantTx } from "@platforma/db";
import { appendEvents, type PendingEvent } from "@platforma/events";
import { retryingDeadlocks } from "../retrying-deadlocks.ts";
import { pgErrorOf, UNIQUE_VIOLATION } from "../pg-errors.ts";
import { admitQuota } from "../quotas/admit-quota.ts";
import { recordingQuotaRejections } from "../quotas/record-rejection.ts";
import { tenantGuardError } from "../tenant-write-guard.ts";
import type { WorkflowStarter } from "../workflows/workflow-starter.ts";
import type { OrderBacklog } from "./order-backlog.ts";
import type { OrderWorkflow } from "./start-order.ts";

type OrderRow = typeof orders.$inferSelect;

export interface OrderDeps {
  db: AppDb;
  workflows: WorkflowStarter;
  /** Back-pressure: new orders are refused `overloaded` while the platform's backlog is at its bound. */
  backlog?: OrderBacklog;
  /** Orders one tenant may have open (pending or provisioning) at once; past it `rate_limited`. */
  maxOrdersInFlight?: number;
}

export interface OrderSpec<R> {
  /** e.g. `cluster.create`, `instance.delete`; also the operation named in quota rejections. */
  kind: string;
  idempotencyKey?: string | undefined;
  request: Record<string, unknown>;
  /** Quota the order takes at admission (given back if it fails). */
  reserve: QuotaRequest;
  /**
   * Writes the order's resource rows inside the order's transaction, and `announce`s their events,
   * which are appended after `order.placed` at the end of the transaction.
   */
  write(tx: TenantTx, orderId: OrderId, announce: (event: PendingEvent) => void): Promise<R>;
  /** The workflow the order runs, committed with it (its start is owed until Temporal took it). */
  workflow(orderId: OrderId, resource: R): OrderWorkflow;
  /** Finds what `write` wrote for an existing order (idempotent retries). */
  find(tx: TenantTx, orderId: OrderId): Promise<R | null>;
  /** Unique constraints whose violation means a conflict with an existing resource. */
  conflicts?: Record<string, string>;
}

async function findByKey<R>(
  tx: TenantTx,
  spec: OrderSpec<R>,
): Promise<{ order: OrderRow; resource: R } | null> {
  if (!spec.idempotencyKey) return null;
  const [order] = await tx.select().from(orders).where(eq(orders.idempotencyKey, spec.idempotencyKey));
  if (!order) return null;
  // Same key, other request: answering with the first order would silently drop this one.
  // Compared as stored (JSON: keys in any order, undefined fields absent).
  const asStored = JSON.parse(JSON.stringify(spec.request)) as unknown;
  if (order.kind !== spec.kind || !isDeepStrictEqual(order.request, asStored)) {
    throw new DomainError("conflict", "the idempotency key was already used for a different request", {
      idempotencyKey: spec.idempotencyKey,
      orderId: order.id,
    });
  }
  const resource = await spec.find(tx, order.id);
  return resource ? { order, resource } : null;
}

/**
 * One tenant's cap on open orders, so its burst queues outside rather than in front of every other
 * tenant's work. Counted in the order's transaction without a lock, so orders placed at the same
 * moment may pass the cap by as many as race; exactness is the quotas' job, this is fairness.
 */
async function refuseOverInFlight(tx: TenantTx, cap: number): Promise<void> {
  const [row] = await tx
    .select({ open: count() })
    .from(orders)
    .where(inArray(orders.state, [...OPEN_ORDER_STATES]));
  const open = row?.open ?? 0;
  if (open >= cap) {
    throw new DomainError(
      "rate_limited",
      `${open} orders of this tenant are still in flight; retry when some end`,
      {
        limit: { ordersInFlight: cap },
        inFlight: open,
        retryAfterSeconds: 5,
      },
    );
  }
}

/**
 * Places an order in one tenant transaction: quota admission, the order row, the resource rows and
 * `order.placed`, with the workflow the order runs. A retry with the same idempotency key returns
 * the first order (also when the two race). The caller starts the workflow after this returns, i.e.
 * after commit (`startCommittedOrder`); if that start is lost, the order starter makes it.
 */
export async function placeOrder<R>(deps: OrderDeps, tenantId: TenantId, spec: OrderSpec<R>) {
  const { db } = deps;
  await deps.backlog?.admit();
  const attempt = () =>
    withTenant(db, tenantId, async (tx) => {
      const existing = await findByKey(tx, spec);
      if (existing) return existing;
      if (deps.maxOrdersInFlight !== undefined) await refuseOverInFlight(tx, deps.maxOrdersInFlight);
      // Rows first, then the tenant-wide locks: the quota rows (admission) and the append lock
      // (events) serialise every order of the tenant until commit, so they come last and the
      // section a hot tenant's orders queue through is one UPDATE, one lock and one insert.
      // This is also the lock order of every other writer: resource rows, then the append lock.
      const orderId = newId("order");
      const workflowId = workflowIds.order(orderId);
      const announced: PendingEvent[] = [];
      const resource = await spec.write(tx, orderId, (event) => void announced.push(event));
      const workflow = spec.workflow(orderId, resource);
      const [order] = await tx
        .insert(orders)
        .values({
          id: orderId,
          tenantId,
          kind: spec.kind,
          idempotencyKey: spec.idempotencyKey ?? null,
          request: spec.request,
          reserved: spec.reserve,
          workflowId,
          workflowName: workflow.name,
          workflowInput: { ...workflow.input },
        })
        .returning();
      await admitQuota(tx, tenantId, spec.reserve);
      // `order.placed` first: consumers see the order before what it asks for.
      await appendEvents(tx, tenantId, [
        { type: "order.placed.v1", data: { orderId, workflowId, kind: spec.kind, request: spec.request } },
        ...announced,
      ]);
      if (!order) throw new Error("order insert returned no row");
      return { order, resource };
    });

  try {
    // Deadlocks are not expected (resource rows, quota rows, then the append lock, as the workflows'
    // progress updates do), but one broken by Postgres aborting this side simply runs again.
    return await recordingQuotaRejections(db, tenantId, spec.kind, () => retryingDeadlocks(attempt));
  } catch (err) {
    const guard = tenantGuardError(err);
    if (guard) {
      // The tenant left `active` while this request was in flight: answered like the state check.
      const state = guard.details.state;
      const reason =
        state === "suspended"
          ? "tenant_suspended"
          : state === "archived"
            ? "tenant_archived"
            : "tenant_deleted";
      throw new DomainError(reason, `the tenant is ${String(state)}`, {}, { cause: err });
    }
    const pg = pgErrorOf(err);
    if (pg?.code === UNIQUE_VIOLATION && spec.idempotencyKey) {
      // A concurrent request with the same key committed first (its order, or the resource it
      // wrote before the order row, collided with ours): answer with its order.
      const existing = await withTenant(db, tenantId, (tx) => findByKey(tx, spec));
      if (existing) return existing;
    }
    const message =
      pg?.code === UNIQUE_VIOLATION && pg.constraint ? spec.conflicts?.[pg.constraint] : undefined;
    if (message) throw new DomainError("conflict", message, {}, { cause: err });
    throw err;
  }
}
