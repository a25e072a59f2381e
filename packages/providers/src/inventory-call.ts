import { DomainError } from "@platforma/contracts";
import {
  ALLOCATION_REFUSED,
  INVENTORY_EXHAUSTED,
  withTenant,
  type AppDb,
  type TenantTx,
} from "@platforma/db";
import type { DedicatedRequest } from "./driver.ts";

/**
 * Runs one take or give of shared inventory (`inventoryFunctions`) in the tenant's own transaction,
 * and turns the function's refusals into the domain errors the saga acts on: nothing left is
 * `capacity_unavailable`, a request key already released is a `conflict` (both final).
 */
export async function inventoryCall<T>(
  db: AppDb,
  req: Pick<DedicatedRequest, "tenantId" | "region">,
  fn: (tx: TenantTx) => Promise<T>,
): Promise<T> {
  try {
    return await withTenant(db, req.tenantId, fn);
  } catch (err) {
    const pg = pgErrorOf(err);
    if (pg?.code === INVENTORY_EXHAUSTED) {
      throw new DomainError(
        "capacity_unavailable",
        pg.message,
        { region: req.region, resource: pg.hint ?? null },
        { cause: err },
      );
    }
    if (pg?.code === ALLOCATION_REFUSED) throw new DomainError("conflict", pg.message, {}, { cause: err });
    throw err;
  }
}

/** The Postgres error under drizzle's wrapper, if any. */
function pgErrorOf(err: unknown): { code: string; message: string; hint?: string } | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const { code, hint } = e as { code?: unknown; hint?: unknown };
    if (typeof code === "string") {
      return { code, message: e.message, ...(typeof hint === "string" ? { hint } : {}) };
    }
  }
  return null;
}
