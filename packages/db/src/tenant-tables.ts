import { getTableConfig, PgTable as PgTableClass, type PgTable } from "drizzle-orm/pg-core";
import { is } from "drizzle-orm";
import * as schema from "./schema/index.ts";

/** Every table of the schema. */
export const allTables: PgTable[] = (Object.values(schema) as unknown[]).filter((v): v is PgTable =>
  is(v, PgTableClass),
);

/**
 * Tenant-owned tables, derived from the schema (any table with a `tenant_id` column), so a new
 * table is covered by isolation tests and purge without anyone listing it.
 */
export const tenantTables: PgTable[] = allTables.filter((t) =>
  getTableConfig(t).columns.some((c) => c.name === "tenant_id"),
);

export const tableName = (t: PgTable) => getTableConfig(t).name;

/**
 * Tenant tables in an order in which deleting one tenant's rows never violates a foreign key: a
 * table comes before every tenant table it references. There are no such keys today; the order
 * keeps the purge correct when one is added.
 */
export function tenantTablesInDeleteOrder(tables: PgTable[] = tenantTables): PgTable[] {
  const names = new Set(tables.map(tableName));
  const referencedBy = new Map<string, Set<string>>(tables.map((t) => [tableName(t), new Set<string>()]));
  for (const t of tables) {
    for (const fk of getTableConfig(t).foreignKeys) {
      const target = tableName(fk.reference().foreignTable);
      if (names.has(target) && target !== tableName(t)) referencedBy.get(target)?.add(tableName(t));
    }
  }
  const byName = new Map(tables.map((t) => [tableName(t), t]));
  const ordered: PgTable[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (done.has(name)) return;
    if (visiting.has(name)) throw new Error(`foreign keys between tenant tables form a cycle at ${name}`);
    visiting.add(name);
    for (const child of referencedBy.get(name) ?? []) visit(child);
    visiting.delete(name);
    done.add(name);
    const table = byName.get(name);
    if (table) ordered.push(table);
  };
  for (const t of [...tables].sort((a, b) => tableName(a).localeCompare(tableName(b)))) visit(tableName(t));
  return ordered;
}
