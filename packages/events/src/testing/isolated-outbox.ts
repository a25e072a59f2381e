import pg from "pg";
import { createSystemDb, type DbHandle, type SystemDb } from "@platforma/db";

/** An outbox table of its own, in a schema of its own, with a system handle whose `outbox` is that table. */
export interface IsolatedOutbox {
  readonly schema: string;
  /** The system role's URL with `search_path` set to the schema: hand it to a relay in a child process. */
  readonly systemUrl: string;
  readonly system: DbHandle<SystemDb>;
  /** Closes the handle and drops the schema. */
  drop(): Promise<void>;
}

/**
 * Relay tests and benchmarks share the database with every other test run, and every relay
 * drains the one `public.outbox`: a test that publishes to a broker of its own would lose rows to
 * the others' relays, and hand them its own. A copy of the table (same columns, defaults, indexes)
 * in a fresh schema isolates it; the drizzle schema names the table unqualified, so `search_path`
 * picks it. Advisory locks stay database-wide, as in production.
 */
export async function createIsolatedOutbox(options: {
  ownerUrl: string;
  systemUrl: string;
  max?: number;
}): Promise<IsolatedOutbox> {
  const schema = `outbox_test_${globalThis.crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const owner = new pg.Client({ connectionString: options.ownerUrl });
  await owner.connect();
  try {
    await owner.query(`create schema ${schema}`);
    await owner.query(`create table ${schema}.outbox (like public.outbox including all)`);
    await owner.query(`grant usage on schema ${schema} to platforma_system`);
    await owner.query(`grant select, insert, update, delete on ${schema}.outbox to platforma_system`);
  } finally {
    await owner.end();
  }
  const url = new URL(options.systemUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const systemUrl = url.toString();
  const system = createSystemDb({ url: systemUrl, max: options.max ?? 4 });
  return {
    schema,
    systemUrl,
    system,
    async drop() {
      await system.close();
      const cleanup = new pg.Client({ connectionString: options.ownerUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
