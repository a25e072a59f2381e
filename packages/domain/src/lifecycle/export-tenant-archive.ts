import { sql } from "drizzle-orm";
import type { TenantId } from "@platforma/contracts";
import { tableName, tenantTables, type SystemDb } from "@platforma/db";
import type { TenantObjectStore } from "@platforma/storage";

export interface ArchiveManifest {
  format: "platforma.tenant-archive.v1";
  tenantId: TenantId;
  createdAt: string;
  /** Per tenant table: rows exported and the JSON-lines file holding them. */
  tables: Record<string, { rows: number; file: string }>;
  files: string[];
}

export interface ArchiveSummary {
  manifestKey: string;
  rows: Record<string, number>;
}

/**
 * Exports every tenant table (derived from the schema, so a new table is included) as one
 * JSON-lines file per table under `prefix`, then `manifest.json`. All tables are read in one
 * repeatable-read snapshot, so the files agree with each other. Columns keep their database names.
 * Written last, the manifest marks a complete archive; re-running overwrites the same keys.
 */
export async function exportTenantArchive(
  db: SystemDb,
  store: TenantObjectStore,
  tenantId: TenantId,
  prefix: string,
): Promise<ArchiveSummary> {
  const dumps = await db.transaction(
    async (tx) => {
      const out: { table: string; lines: string[] }[] = [];
      for (const table of tenantTables) {
        const result = await tx.execute<{ j: string }>(
          sql`select row_to_json(t)::text as j from ${table} t where t.tenant_id = ${tenantId}`,
        );
        out.push({ table: tableName(table), lines: result.rows.map((r) => r.j) });
      }
      return out;
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );

  const manifest: ArchiveManifest = {
    format: "platforma.tenant-archive.v1",
    tenantId,
    createdAt: new Date().toISOString(),
    tables: {},
    files: [],
  };
  for (const { table, lines } of dumps) {
    const file = `${table}.jsonl`;
    await store.put(
      tenantId,
      `${prefix}${file}`,
      lines.length ? `${lines.join("\n")}\n` : "",
      "application/x-ndjson",
    );
    manifest.tables[table] = { rows: lines.length, file };
    manifest.files.push(file);
  }
  const manifestKey = `${prefix}manifest.json`;
  await store.put(tenantId, manifestKey, JSON.stringify(manifest, null, 2), "application/json");
  return {
    manifestKey,
    rows: Object.fromEntries(Object.entries(manifest.tables).map(([t, v]) => [t, v.rows])),
  };
}
