import { and, count, eq, isNull, sql } from "drizzle-orm";
import type { TenantId } from "@platforma/contracts";
import { outbox, tableName, tenantTables, tenantTablesInDeleteOrder, type SystemDb } from "@platforma/db";
import type { PgTable } from "drizzle-orm/pg-core";

/*
 * The purge's database steps, on the system handle (the purge acts on a tenant that no longer has
 * access, across every tenant table). Each is idempotent: deleting what is already gone deletes
 * nothing, so an interrupted purge resumes by running the steps again.
 */

/** Rows per delete statement: short transactions, no long lock on a big tenant. */
const DELETE_BATCH = 5000;

/** The tenant tables' names in foreign-key-safe delete order. */
export function purgeTableNames(): string[] {
  return tenantTablesInDeleteOrder().map(tableName);
}

function tenantTable(name: string): PgTable {
  const table = tenantTables.find((t) => tableName(t) === name);
  if (!table) throw new Error(`${name} is not a tenant table`);
  return table;
}

/** Deletes the tenant's rows of one table in batches; returns how many this call deleted. */
export async function deleteTenantRows(
  db: SystemDb,
  tenantId: TenantId,
  name: string,
  onBatch: (deletedSoFar: number) => void = () => {},
): Promise<number> {
  const table = tenantTable(name);
  let deleted = 0;
  for (;;) {
    const result = await db.execute(
      sql`delete from ${table} where ctid in (select ctid from ${table} where tenant_id = ${tenantId} limit ${DELETE_BATCH})`,
    );
    const n = result.rowCount ?? 0;
    deleted += n;
    onBatch(deleted);
    if (n < DELETE_BATCH) return deleted;
  }
}

/** The tenant's rows left in every tenant table. */
export async function countTenantRows(db: SystemDb, tenantId: TenantId): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tenantTables) {
    const result = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from ${table} where tenant_id = ${tenantId}`,
    );
    counts[tableName(table)] = result.rows[0]?.n ?? 0;
  }
  return counts;
}

/** Events of the tenant the relay has not published yet. */
export async function unpublishedEventCount(db: SystemDb, tenantId: TenantId): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(outbox)
    .where(and(eq(outbox.tenantId, tenantId), isNull(outbox.publishedAt)));
  return row?.n ?? 0;
}
