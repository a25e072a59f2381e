import { and, desc, eq, lt, or } from "drizzle-orm";
import { DomainError, type OrderId, type TenantId } from "@platforma/contracts";
import { orders, withTenant, type AppDb } from "@platforma/db";
import { decodeCursor, encodeCursor, type Page } from "../pagination.ts";
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
  const after = decodeCursor(opts.cursor);
  const rows = await withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(orders)
      .where(
        after
          ? or(
              lt(orders.createdAt, after.at),
              and(eq(orders.createdAt, after.at), lt(orders.id, after.id as OrderId)),
            )
          : undefined,
      )
      .orderBy(desc(orders.createdAt), desc(orders.id))
      .limit(opts.limit + 1),
  );
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    items: page.map(toOrderDto),
    nextCursor: rows.length > opts.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}
