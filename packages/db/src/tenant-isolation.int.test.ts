import { getTableConfig } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId, type TenantId } from "@platforma/contracts";
import { createDb, createSystemDb, withTenant, type SystemDb } from "./client.ts";
import { clusters, orders, outbox, TENANT_POLICY_NAME, users } from "./schema/index.ts";
import { tableName, tenantTables, tenantTablesInDeleteOrder } from "./tenant-tables.ts";

/** SQLSTATE of "new row violates row-level security policy". */
const RLS_VIOLATION = "42501";

const url = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

describe("tenant isolation in Postgres", () => {
  let app: ReturnType<typeof createDb>;
  let system: ReturnType<typeof createSystemDb>;
  let raw: pg.Client;

  beforeAll(async () => {
    app = createDb({ url: url("DATABASE_URL"), max: 4 });
    system = createSystemDb({ url: url("DATABASE_SYSTEM_URL"), max: 2 });
    raw = new pg.Client({ connectionString: url("DATABASE_OWNER_URL") });
    await raw.connect();
  });
  afterAll(async () => {
    await raw?.end();
    await app?.close();
    await system?.close();
  });

  it("derives a non-trivial list of tenant tables from the schema", () => {
    expect(tenantTables.map(tableName).sort()).toEqual(
      expect.arrayContaining([
        "clusters",
        "orders",
        "outbox",
        "tenant_quotas",
        "users",
        "provider_allocations",
      ]),
    );
  });

  it("every table with a tenant_id in the database is a schema tenant table", async () => {
    const { rows } = await raw.query<{ table_name: string }>(
      `select table_name from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id'`,
    );
    expect(rows.map((r) => r.table_name).sort()).toEqual(tenantTables.map(tableName).sort());
  });

  describe.each(tenantTables.map((t) => [tableName(t), t] as const))("%s", (name, table) => {
    it("has a non-null tenant_id column", () => {
      const column = getTableConfig(table).columns.find((c) => c.name === "tenant_id");
      expect(column?.notNull).toBe(true);
    });

    it("has row-level security enabled and forced", async () => {
      const { rows } = await raw.query<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>(
        `select relrowsecurity, relforcerowsecurity from pg_class where oid = $1::regclass`,
        [name],
      );
      expect(rows[0]).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
    });

    it("has the tenant policy for every command, on USING and WITH CHECK", async () => {
      const { rows } = await raw.query<{ cmd: string; qual: string; with_check: string }>(
        `select cmd, qual, with_check from pg_policies where schemaname = 'public' and tablename = $1 and policyname = $2`,
        [name, TENANT_POLICY_NAME],
      );
      expect(rows).toHaveLength(1);
      const expected = "(tenant_id = NULLIF(current_setting('app.tenant_id'::text, true), ''::text))";
      expect(rows[0]).toEqual({ cmd: "ALL", qual: expected, with_check: expected });
    });

    it("is covered by the tenant purge (its delete order is derived from the same list)", () => {
      expect(tenantTablesInDeleteOrder().filter((t) => t === table)).toHaveLength(1);
    });

    it("has the tenant write guard: every insert, and every update (the outbox: inserts only)", async () => {
      const { rows } = await raw.query<{ def: string }>(
        `select pg_get_triggerdef(t.oid) as def from pg_trigger t
          where t.tgrelid = $1::regclass and t.tgname = 'platforma_guard_tenant_write' and not t.tgisinternal`,
        [name],
      );
      expect(rows).toHaveLength(1);
      const events = name === "outbox" ? "BEFORE INSERT ON" : "BEFORE INSERT OR UPDATE ON";
      const mode = ["orders", "provider_allocations"].includes(name) ? "'active'" : "'any'";
      expect(rows[0]?.def).toContain(events);
      expect(rows[0]?.def).toContain(`platforma_guard_tenant_write(${mode})`);
    });

    it("has an index leading with tenant_id", async () => {
      const { rows } = await raw.query<{ first_column: string }>(
        `select a.attname as first_column
           from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
          where i.indrelid = $1::regclass`,
        [name],
      );
      expect(rows.map((r) => r.first_column)).toContain("tenant_id");
    });
  });

  it("the app role is neither superuser, owner nor able to bypass RLS", async () => {
    const { rows } = await app.pool.query<{ rolsuper: boolean; rolbypassrls: boolean; owns: number }>(
      `select r.rolsuper, r.rolbypassrls,
              (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relowner = r.oid) as owns
         from pg_roles r where r.rolname = current_user`,
    );
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, owns: 0 });
  });

  describe("the tenant write guard", () => {
    /** SQLSTATEs raised by the guard (migration 0008). */
    const PURGED = "PT001";
    const NOT_ACTIVE = "PT002";
    const tenantIn = async (state: string, purged = false) => {
      const id = newId("tenant");
      await system.pool.query(
        `insert into tenants (id, name, state, allowed_regions, purged_at) values ($1, 'guard test', $2, '{}', $3)`,
        [id, state, purged ? new Date() : null],
      );
      return id;
    };
    const insertUser = (tenantId: TenantId) =>
      withTenant(app.db, tenantId, (tx) =>
        tx.insert(users).values({ id: newId("user"), tenantId, email: "late@example.com" }),
      );
    const insertOrder = (tenantId: TenantId) => {
      const id = newId("order");
      return withTenant(app.db, tenantId, (tx) =>
        tx
          .insert(orders)
          .values({ id, tenantId, kind: "cluster.create", request: {}, workflowId: `order/${id}` }),
      );
    };

    it("refuses every write for a purged tenant, from any role", async () => {
      const purged = await tenantIn("deleted", true);
      await expect(insertUser(purged)).rejects.toMatchObject({ cause: { code: PURGED } });
      await expect(insertOrder(purged)).rejects.toMatchObject({ cause: { code: PURGED } });
      // The system role bypasses RLS, not the guard.
      await expect(
        system.pool.query(
          `insert into outbox (id, tenant_id, topic, type, data) values ($1, $2, 'platforma.tenants.v1', 'x', '{}')`,
          [newId("event"), purged],
        ),
      ).rejects.toMatchObject({ code: PURGED });
    });

    it("refuses an update of a row that predates the purge", async () => {
      const tenantId = await tenantIn("active");
      await seedTenantRows(system.db, tenantId);
      await system.pool.query(`update tenants set state = 'deleted', purged_at = now() where id = $1`, [
        tenantId,
      ]);
      await expect(
        system.pool.query(`update clusters set name = 'revived' where tenant_id = $1`, [tenantId]),
      ).rejects.toMatchObject({ code: PURGED });
      // Deleting (what the purge does) stays possible.
      await system.pool.query(`delete from clusters where tenant_id = $1`, [tenantId]);
    });

    it("lets a tenant that is not active take no new order, yet record everything else", async () => {
      for (const state of ["suspended", "archived", "deleted"]) {
        const tenantId = await tenantIn(state);
        await expect(insertOrder(tenantId), state).rejects.toMatchObject({
          cause: { code: NOT_ACTIVE, hint: state },
        });
        await expect(insertUser(tenantId), state).resolves.toBeDefined();
      }
      await expect(insertOrder(await tenantIn("active"))).resolves.toBeDefined();
    });
  });

  describe("with rows of two tenants", () => {
    const a = newId("tenant");
    const b = newId("tenant");
    beforeAll(async () => {
      await seedTenantRows(system.db, a);
      await seedTenantRows(system.db, b);
    });

    it("sees zero rows in every tenant table without a tenant context", async () => {
      for (const table of tenantTables) {
        const { rows } = await app.pool.query(`select count(*)::int as n from ${tableName(table)}`);
        expect(rows[0], tableName(table)).toEqual({ n: 0 });
      }
    });

    it("sees zero rows with an empty tenant context", async () => {
      const n = await app.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.tenant_id', '', true)`);
        const r = await tx.execute<{ n: number }>(sql`select count(*)::int as n from orders`);
        return r.rows[0]?.n;
      });
      expect(n).toBe(0);
    });

    it("sees only its own rows inside withTenant", async () => {
      const seen = await withTenant(app.db, a, (tx) => tx.select({ tenantId: orders.tenantId }).from(orders));
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen.map((r) => r.tenantId))).toEqual(new Set([a]));
    });

    it("cannot insert a row for another tenant", async () => {
      const attempt = withTenant(app.db, a, (tx) =>
        tx.insert(users).values({ id: newId("user"), tenantId: b, email: "intruder@example.com" }),
      );
      await expect(attempt).rejects.toMatchObject({ cause: { code: RLS_VIOLATION } });
      const { rows } = await system.pool.query(`select count(*)::int as n from users where tenant_id = $1`, [
        b,
      ]);
      expect(rows[0]).toEqual({ n: 1 });
    });

    it("cannot update or delete another tenant's rows", async () => {
      const changed = await withTenant(app.db, a, async (tx) => {
        const u = await tx
          .update(clusters)
          .set({ name: "hijacked" })
          .where(sql`tenant_id = ${b}`)
          .returning();
        const d = await tx
          .delete(outbox)
          .where(sql`tenant_id = ${b}`)
          .returning();
        return u.length + d.length;
      });
      expect(changed).toBe(0);
      const { rows } = await system.pool.query(`select name from clusters where tenant_id = $1`, [b]);
      expect(rows).toEqual([{ name: "c" }]);
    });

    it("cannot move its own row to another tenant", async () => {
      const attempt = withTenant(app.db, a, (tx) =>
        tx
          .update(clusters)
          .set({ tenantId: b })
          .where(sql`true`),
      );
      await expect(attempt).rejects.toMatchObject({ cause: { code: RLS_VIOLATION } });
    });

    it("does not leak the tenant context to the next transaction on the same connection", async () => {
      const client = await app.pool.connect();
      try {
        await client.query("begin");
        await client.query("select set_config('app.tenant_id', $1, true)", [a]);
        await client.query("commit");
        const { rows } = await client.query(`select count(*)::int as n from orders`);
        expect(rows[0]).toEqual({ n: 0 });
      } finally {
        client.release();
      }
    });
  });
});

async function seedTenantRows(db: SystemDb, tenantId: TenantId): Promise<void> {
  const orderId = newId("order");
  await db.transaction(async (tx) => {
    await tx.insert(users).values({ id: newId("user"), tenantId, email: "owner@example.com" });
    await tx
      .insert(orders)
      .values({ id: orderId, tenantId, kind: "cluster.create", request: {}, workflowId: `order/${orderId}` });
    await tx.insert(clusters).values({
      id: newId("cluster"),
      tenantId,
      orderId,
      name: "c",
      region: "eu-central-1",
      placement: "shared",
    });
    await tx.insert(outbox).values({
      id: newId("event"),
      tenantId,
      topic: "platforma.tenants.v1",
      type: "tenant.created.v1",
      data: { tenantId, name: "isolation test", allowedRegions: [] },
    });
  });
}
