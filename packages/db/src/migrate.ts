import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { pgConnectionFor } from "./multi-host.ts";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../migrations", import.meta.url));

/** Applies the committed migrations as the owner role. Safe to run concurrently: serialised by an advisory lock. */
export async function runMigrations(ownerUrl: string): Promise<void> {
  const { connectionString, Client = pg.Client } = pgConnectionFor(ownerUrl);
  const client = new Client({
    connectionString,
    application_name: "platforma-migrate",
  });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock(hashtext('platforma_migrations'))");
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.end();
  }
}
