import { sql } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { TenantId } from "@platforma/contracts";
import { pgConnectionFor } from "./multi-host.ts";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
type Drizzle = NodePgDatabase<Schema>;
export type Tx = Parameters<Parameters<Drizzle["transaction"]>[0]>[0];

/** The application handle: the app role, bound by RLS. Tenant data only through `withTenant`. */
export type AppDb = Drizzle & { readonly __handle: "app" };
/** The system handle: a BYPASSRLS role for the relay, operator procedures and purge. Named so it is never used by accident. */
export type SystemDb = Drizzle & { readonly __handle: "system" };
/** A transaction with `app.tenant_id` set for its lifetime. */
export type TenantTx = Tx & { readonly __tenant: TenantId };

export interface DbOptions {
  url: string;
  /** Pool size. */
  max?: number;
  applicationName?: string;
  /**
   * How long a checkout waits for a connection (a new one, or a free one from a full pool) before
   * it fails; unset waits as long as the OS does, which keeps a request hanging through an outage.
   */
  connectTimeoutMs?: number;
}

export interface DbHandle<D> {
  db: D;
  pool: pg.Pool;
  close(): Promise<void>;
}

function open(options: DbOptions): { db: Drizzle; pool: pg.Pool } {
  // A multi-host URL (a primary and its standbys): each connection finds the server that serves.
  const pool = new pg.Pool({
    ...pgConnectionFor(options.url),
    max: options.max ?? 10,
    application_name: options.applicationName ?? "platforma",
    ...(options.connectTimeoutMs ? { connectionTimeoutMillis: options.connectTimeoutMs } : {}),
  });
  // An idle client losing its server (restart, failover) must not crash the process; the pool
  // drops it and the next checkout reconnects.
  pool.on("error", () => {});
  // A checked-out client whose server goes away (crash, failover) emits `error` as well as failing
  // its query; with no listener that event would crash the process. The query's caller gets the
  // error, and the pool drops the client when it is released (it is no longer queryable).
  pool.on("connect", (client) => client.on("error", () => {}));
  return { db: drizzle(pool, { schema, casing: "snake_case" }), pool };
}

export function createDb(options: DbOptions): DbHandle<AppDb> {
  const { db, pool } = open(options);
  return { db: db as AppDb, pool, close: () => pool.end() };
}

export function createSystemDb(options: DbOptions): DbHandle<SystemDb> {
  const { db, pool } = open({ applicationName: "platforma-system", ...options });
  return { db: db as SystemDb, pool, close: () => pool.end() };
}

/**
 * Runs `fn` in one transaction whose tenant context is `tenantId`. The setting is
 * transaction-local (`set_config(…, true)`) and bound as a parameter, so it can neither leak to the
 * next user of the pooled connection nor be injected.
 */
export async function withTenant<T>(
  db: AppDb,
  tenantId: TenantId,
  fn: (tx: TenantTx) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
    return fn(tx as TenantTx);
  });
}
