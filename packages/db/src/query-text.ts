import { getTableColumns } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import type { PgTable } from "drizzle-orm/pg-core";
import * as schema from "./schema/index.ts";

/**
 * A handle with no connection, configured as `createDb`'s (schema, snake_case), for turning a
 * query into the SQL text and parameters it would send (`.toSQL()`). Lets a baseline that talks to
 * `pg` directly, like the read benchmark's, run exactly the SQL of a use case.
 */
export const queryText = drizzle.mock({ schema, casing: "snake_case" });

/**
 * A row as `select().from(table)` returns it, from one row of that query's SQL run by `pg` with
 * `rowMode: "array"`: the values come in the table's column order and are decoded by the columns
 * themselves, as drizzle decodes them.
 */
export function selectedRow<T extends PgTable>(table: T, values: readonly unknown[]): T["$inferSelect"] {
  const row: Record<string, unknown> = {};
  for (const [i, [key, column]] of Object.entries(getTableColumns(table)).entries()) {
    const value = values[i];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T["$inferSelect"];
}
