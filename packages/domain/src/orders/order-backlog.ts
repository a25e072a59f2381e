import { and, count, inArray } from "drizzle-orm";
import { DomainError, type TenantId } from "@platforma/contracts";
import { OPEN_ORDER_STATES, orders, type SystemDb } from "@platforma/db";

export interface BacklogReading {
  /** Orders placed and not yet ended, across every tenant (as of `measuredAt`). */
  open: number;
  bound: number;
  measuredAt: string;
}

export interface OrderBacklog {
  /** Refuses a new order with `overloaded` (503, retryable) while the backlog is at its bound. */
  admit(): Promise<void>;
  /** The last reading (taken afresh if it is older than the refresh interval). */
  read(): Promise<BacklogReading>;
}

export interface OrderBacklogOptions {
  /** Open orders, across tenants, past which new orders are refused. */
  bound: number;
  /** How old a reading may be before the next order takes a new one (default 1 s). */
  refreshMs?: number;
  /** Count only these tenants' orders (tests that share one database); default: every tenant. */
  tenants?: () => readonly TenantId[];
}

/**
 * Back-pressure on the platform's backlog of open orders. When the workers fall behind, orders
 * would otherwise queue without limit while every request still answers 200: past the bound,
 * new orders are refused `overloaded` with `Retry-After`, and what is queued drains. The count is
 * read at most once per `refreshMs` per process (one indexed count, shared by every request), so
 * the bound is soft: orders placed within one interval may pass it by what they add.
 */
export function createOrderBacklog(db: SystemDb, opts: OrderBacklogOptions): OrderBacklog {
  const refreshMs = opts.refreshMs ?? 1000;
  let reading: { at: number; value: Promise<BacklogReading> } | null = null;
  const measure = async (): Promise<BacklogReading> => {
    const only = opts.tenants?.();
    const [row] = await db
      .select({ open: count() })
      .from(orders)
      .where(
        and(
          inArray(orders.state, [...OPEN_ORDER_STATES]),
          only ? inArray(orders.tenantId, [...only]) : undefined,
        ),
      );
    return { open: row?.open ?? 0, bound: opts.bound, measuredAt: new Date().toISOString() };
  };
  const read = () => {
    const now = Date.now();
    if (!reading || now - reading.at >= refreshMs) {
      const value = measure();
      reading = { at: now, value };
      // A failed reading is not kept: the next order measures again.
      value.catch(() => {
        if (reading?.value === value) reading = null;
      });
    }
    return reading.value;
  };
  return {
    read,
    async admit() {
      const { open, bound } = await read();
      if (open >= bound) {
        throw new DomainError("overloaded", "the platform is working through its backlog; retry shortly", {
          backlog: { open, bound },
          retryable: true,
          retryAfterSeconds: Math.max(1, Math.ceil(refreshMs / 1000)),
        });
      }
    },
  };
}
