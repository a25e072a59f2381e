import { eq } from "drizzle-orm";
import { DomainError, type OrderId, type TenantId } from "@platforma/contracts";
import { orders, withTenant, type AppDb, type SystemDb } from "@platforma/db";
import { newestFirst, toPage, type Page } from "../pagination.ts";
import { getTenant } from "../tenants/read-tenants.ts";
import { toOrderDto, type OrderDto } from "./order-dto.ts";

export async function getOrder(db: AppDb, tenantId: TenantId, id: OrderId): Promise<OrderDto> {
  const [row] = await withTenant(db, tenantId, (tx) => tx.select().from(orders).where(eq(orders.id, id)));
  if (!row) throw new DomainError("not_found", `order ${id} not found`);
  return toOrderDto(row);
}

/** The tenant's orders, newest first (the spec's `orderService.list(tenantContext)`). */
export async function listOrders(
  db: AppDb,
  tenantId: TenantId,
  opts: { limit: number; cursor?: string | undefined },
): Promise<Page<OrderDto>> {
  const { where, orderBy } = newestFirst(orders, opts.cursor);
  const rows = await withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(orders)
      .where(where)
      .orderBy(...orderBy)
      .limit(opts.limit + 1),
  );
  return toPage(rows, opts.limit, toOrderDto);
}

/**
 * Operator use case: one tenant's orders as `listOrders` shows them to the tenant. A tenant that
 * does not exist is `not_found` (its tenant context would simply see no rows).
 */
export async function listTenantOrders(
  deps: { db: AppDb; systemDb: SystemDb },
  tenantId: TenantId,
  opts: { limit: number; cursor?: string | undefined },
): Promise<Page<OrderDto>> {
  await getTenant(deps.systemDb, tenantId);
  return listOrders(deps.db, tenantId, opts);
}
