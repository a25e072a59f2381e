import { eq } from "drizzle-orm";
import { DomainError, type OrderId, type TenantId } from "@platforma/contracts";
import { orders, withTenant, type AppDb } from "@platforma/db";
import { newestFirst, toPage, type Page } from "../pagination.ts";
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
