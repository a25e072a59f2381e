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
