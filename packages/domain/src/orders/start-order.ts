import { and, asc, eq, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { OrderWorkflowInputs, OrderWorkflowName, TenantId } from "@platforma/contracts";
import { orders, withTenant, type AppDb, type SystemDb } from "@platforma/db";
import type { WorkflowStarter } from "../workflows/workflow-starter.ts";

/** The workflow an order runs, as committed with it. */
export type OrderWorkflow = {
  [N in OrderWorkflowName]: { name: N; input: OrderWorkflowInputs[N] };
}[OrderWorkflowName];

type OrderRow = typeof orders.$inferSelect;

function committedWorkflow(order: OrderRow): OrderWorkflow | null {
  if (!order.workflowName || !order.workflowInput) return null;
  // Written together by `placeOrder` from an `OrderWorkflow`, so they correlate.
  return { name: order.workflowName, input: order.workflowInput } as unknown as OrderWorkflow;
}

async function start(workflows: WorkflowStarter, order: OrderRow): Promise<boolean> {
  const workflow = committedWorkflow(order);
  if (!workflow) return false;
  await workflows.startOrderWorkflow(workflow.name, workflow.input as never);
  return true;
}

/**
 * Starts a just-committed order's workflow, right after the commit. When Temporal is away this does
 * not fail the request: the order is committed and answered `pending`, and the order starter
 * (`sweepUnstartedOrders`) starts it as soon as Temporal is back. Returns whether it started now.
 */
export async function startCommittedOrder(
  deps: { db: AppDb; workflows: WorkflowStarter },
  order: OrderRow,
): Promise<boolean> {
  try {
    if (!(await start(deps.workflows, order))) return false;
  } catch {
    return false;
  }
  // Best effort: if this mark is lost, the sweep starts the same workflow id again, which is a no-op.
  await withTenant(deps.db, order.tenantId, (tx) =>
    tx
      .update(orders)
      .set({ workflowStartedAt: new Date() })
      .where(and(eq(orders.id, order.id), isNull(orders.workflowStartedAt))),
  ).catch(() => {});
  return true;
}

export interface SweepOptions {
  /** Orders younger than this are left to the request that placed them. */
  graceMs?: number;
  batch?: number;
  /** Restricts the sweep to these tenants (e.g. a shard of them); default: every tenant. */
  tenants?: () => readonly TenantId[];
}

/**
 * A committed order always gets its workflow (docs/decisions/committed-order-start.md): finds open
 * orders whose workflow start is still owed (the request that placed them crashed, or Temporal was
 * away) and starts them. Every API replica may run it; a start is idempotent by workflow id.
 */
export async function sweepUnstartedOrders(
  deps: { systemDb: SystemDb; workflows: WorkflowStarter },
  opts: SweepOptions = {},
): Promise<{ started: number; failed: number }> {
  const tenants = opts.tenants?.();
  if (tenants?.length === 0) return { started: 0, failed: 0 };
  const owed = await deps.systemDb
    .select()
    .from(orders)
    .where(
      and(
        isNull(orders.workflowStartedAt),
        isNotNull(orders.workflowName),
        eq(orders.state, "pending"),
        lt(orders.createdAt, sql`now() - make_interval(secs => ${(opts.graceMs ?? 2_000) / 1000})`),
        tenants ? inArray(orders.tenantId, [...tenants]) : undefined,
      ),
    )
    .orderBy(asc(orders.createdAt))
    .limit(opts.batch ?? 100);
  let started = 0;
  let failed = 0;
  for (const order of owed) {
    try {
      await start(deps.workflows, order);
    } catch {
      // Temporal is still away (or refused): the next sweep tries again.
      failed += 1;
      continue;
    }
    await deps.systemDb
      .update(orders)
      .set({ workflowStartedAt: new Date() })
      .where(and(eq(orders.id, order.id), isNull(orders.workflowStartedAt)));
    started += 1;
  }
  return { started, failed };
}

/** Runs the sweep every `intervalMs` until stopped. */
export function createOrderStarter(
  deps: { systemDb: SystemDb; workflows: WorkflowStarter },
  opts: SweepOptions & {
    intervalMs?: number;
    onSweep?: (result: { started: number; failed: number }) => void;
    onError?: (err: unknown) => void;
  } = {},
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = sweepUnstartedOrders(deps, opts)
      .then((r) => {
        if (r.started || r.failed) opts.onSweep?.(r);
      })
      .catch((err: unknown) => opts.onError?.(err))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, opts.intervalMs ?? 1_000);
      });
  };
  timer = setTimeout(tick, opts.intervalMs ?? 1_000);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
