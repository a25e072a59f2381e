import { getTableConfig } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId, type TenantId } from "@platforma/contracts";
import { createDb, createSystemDb, withTenant, type SystemDb, type TenantTx } from "./client.ts";
import { ALLOCATION_REFUSED, INVENTORY_EXHAUSTED, inventoryFunctions } from "./inventory-functions.ts";
import { allocations, clusters, orders, outbox, TENANT_POLICY_NAME, users } from "./schema/index.ts";
import { tableName, tenantTables, tenantTablesInDeleteOrder } from "./tenant-tables.ts";

/** SQLSTATE of "new row violates row-level security policy". */
const RLS_VIOLATION = "42501";
/** SQLSTATE of "permission denied" (a missing grant, or an inventory function's tenant check). */
const INSUFFICIENT_PRIVILEGE = "42501";
const UNIQUE_VIOLATION = "23505";

const TABLE_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];
const SEQUENCE_PRIVILEGES = ["USAGE", "SELECT", "UPDATE"];
/** Every tenant table: the app role reads and writes it, bounded by the forced tenant policy. */
const TENANT_TABLE_GRANTS = ["SELECT", "INSERT", "UPDATE", "DELETE"];
/**
 * The allow-list for everything else in the schema: what the app role may do on each platform
 * table (no tenant_id, so no RLS to bound it) and sequence. A relation that is neither a tenant
 * table nor listed here fails the grants test, so a new one is a decision, not an accident.
 */
const PLATFORM_GRANTS: Record<string, string[]> = {
  // The tenant registry: the system role's (lifecycle, operator procedures).
  tenants: [],
  // Shared inventory: reachable only through the inventory functions (migration 0009).
  provider_regions: [],
  provider_nodes: [],
  provider_vlans: [],
  provider_nvme_drives: [],
  provider_ceph_clusters: [],
  outbox_seq_seq: ["USAGE"],
};
/** The SECURITY DEFINER functions the app role may call: one take or give of shared inventory each. */
const INVENTORY_FUNCTIONS = [
  "platforma_release_ceph_tb",
  "platforma_release_cluster_slot",
  "platforma_release_nodes",
  "platforma_release_nvme_drives",
  "platforma_release_vlan",
  "platforma_take_ceph_tb",
  "platforma_take_cluster_slot",
  "platforma_take_nodes",
  "platforma_take_nvme_drives",
  "platforma_take_vlan",
];

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

  describe("the app role's grants", () => {
    it("are, on every relation of the schema, exactly the allow-list", async () => {
      const { rows } = await raw.query<{ name: string; kind: string; privileges: string[] }>(
        `select c.relname as name, c.relkind::text as kind,
                array(select p from unnest(case when c.relkind = 'S' then $2::text[] else $1::text[] end) p
                       where case when c.relkind = 'S' then has_sequence_privilege('platforma_app', c.oid, p)
                                  else has_table_privilege('platforma_app', c.oid, p) end
                       order by p) as privileges
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')`,
        [TABLE_PRIVILEGES, SEQUENCE_PRIVILEGES],
      );
      const actual = Object.fromEntries(rows.map((r) => [r.name, r.privileges]));
      const expected = Object.fromEntries([
        ...tenantTables.map((t) => [tableName(t), [...TENANT_TABLE_GRANTS].sort()] as const),
        ...Object.entries(PLATFORM_GRANTS).map(
          ([name, privileges]) => [name, [...privileges].sort()] as const,
        ),
      ]);
      expect(actual).toEqual(expected);
    });

    it("include no column-level grant, and no schema but public", async () => {
      const { rows: columns } = await raw.query(
        `select c.relname, a.attname, x.privilege_type
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
           join pg_attribute a on a.attrelid = c.oid, aclexplode(a.attacl) x
          where n.nspname = 'public' and (x.grantee = 0 or x.grantee = 'platforma_app'::regrole)`,
      );
      expect(columns).toEqual([]);
      const { rows: schemas } = await raw.query<{ nspname: string }>(
        `select nspname from pg_namespace
          where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg\\_%'
            and has_schema_privilege('platforma_app', oid, 'USAGE')`,
      );
      expect(schemas.map((s) => s.nspname)).toEqual(["public"]);
    });

    it("let it run no SECURITY DEFINER function but the inventory functions, each pinned and owned", async () => {
      const { rows } = await raw.query<{ name: string; owner: string; config: string[] | null }>(
        `select p.proname as name, pg_get_userbyid(p.proowner) as owner, p.proconfig as config
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where p.prosecdef and n.nspname = 'public' and p.prorettype <> 'trigger'::regtype
            and has_function_privilege('platforma_app', p.oid, 'EXECUTE')
          order by 1`,
      );
      expect(rows.map((r) => r.name)).toEqual(INVENTORY_FUNCTIONS);
      for (const r of rows) {
        expect(r.owner, r.name).toBe("platforma_owner");
        expect(r.config, r.name).toEqual(["search_path=pg_catalog, public, pg_temp"]);
      }
    });
  });

  describe("shared inventory", () => {
    const tenant = async () => {
      const id = newId("tenant");
      await system.pool.query(
        `insert into tenants (id, name, state, allowed_regions) values ($1, 'inventory test', 'active', '{}')`,
        [id],
      );
      return id;
    };
    /** A region of its own: `nodes` nodes, two VLANs, one 10 TB Ceph cluster, four 4 TB drives. */
    const region = async (nodes = 2) => {
      const name = `ti-${newId("tenant").slice(4, 16).toLowerCase()}`;
      await system.db.transaction(async (tx) => {
        await tx.execute(
          sql`insert into provider_regions (name, display_name, cluster_slots) values (${name}, ${name}, 1)`,
        );
        for (let i = 1; i <= nodes; i++) {
          await tx.execute(
            sql`insert into provider_nodes (id, region, cores, memory_gb) values (${`node-${name}-${i}`}, ${name}, 8, 64)`,
          );
        }
        for (const vlan of [10, 11]) {
          await tx.execute(sql`insert into provider_vlans (region, vlan_id) values (${name}, ${vlan})`);
        }
        await tx.execute(
          sql`insert into provider_ceph_clusters (id, region, capacity_tb) values (${`ceph-${name}`}, ${name}, 10)`,
        );
        for (let i = 1; i <= 4; i++) {
          await tx.execute(
            sql`insert into provider_nvme_drives (id, region, size_tb) values (${`nvme-${name}-${i}`}, ${name}, 4)`,
          );
        }
      });
      return name;
    };
    const holders = async (name: string) => {
      const { rows } = await system.pool.query<{ what: string; holder: string | null }>(
        `select id as what, holder from provider_nodes where region = $1
         union all select 'vlan ' || vlan_id, holder from provider_vlans where region = $1
         union all select id, holder from provider_nvme_drives where region = $1
         union all select id, used_tb::text from provider_ceph_clusters where region = $1
         union all select 'slots', cluster_slots_used::text from provider_regions where name = $1
         order by 1`,
        [name],
      );
      return Object.fromEntries(rows.map((r) => [r.what, r.holder]));
    };
    const take = (tenantId: TenantId, name: string, requestKey: string, count = 1) =>
      withTenant(app.db, tenantId, (tx) =>
        inventoryFunctions.takeNodes(tx, {
          tenantId,
          requestKey,
          clusterId: newId("cluster"),
          region: name,
          count,
        }),
      );

    it("refuses the app role any direct read or write of inventory, with or without a tenant context", async () => {
      const a = await tenant();
      const name = await region();
      const writes = [
        "update provider_nodes set holder = 'x'",
        "update provider_vlans set holder = 'x'",
        "update provider_nvme_drives set holder = 'x'",
        "update provider_ceph_clusters set used_tb = 0",
        "update provider_regions set cluster_slots_used = 0",
        "insert into provider_nodes (id, region, cores, memory_gb) values ('n', 'r', 1, 1)",
        "delete from provider_vlans",
      ];
      for (const write of writes) {
        await expect(app.pool.query(write), write).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
      }
      await expect(
        withTenant(app.db, a, (tx) =>
          tx.execute(sql`update provider_nodes set holder = 'x' where region = ${name}`),
        ),
      ).rejects.toMatchObject({ cause: { code: INSUFFICIENT_PRIVILEGE } });
      await expect(app.pool.query(`select holder from provider_nodes`)).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
      });
      expect(Object.values(await holders(name)).every((h) => h === null || h === "0")).toBe(true);
    });

    it("takes and gives back only for the tenant in context", async () => {
      const [a, b] = [await tenant(), await tenant()];
      const name = await region();
      const key = `${newId("cluster")}.nodes`;
      await take(b, name, key);

      // Acting for a tenant other than the one in context, or with no context at all, is refused.
      const mine = `${newId("cluster")}.nodes`;
      await expect(
        withTenant(app.db, b, (tx) =>
          inventoryFunctions.takeNodes(tx, {
            tenantId: a,
            requestKey: mine,
            clusterId: newId("cluster"),
            region: name,
            count: 1,
          }),
        ),
      ).rejects.toMatchObject({ cause: { code: INSUFFICIENT_PRIVILEGE } });
      await expect(
        app.pool.query(`select * from platforma_take_nodes($1, $2, $3, $4, 1)`, [
          a,
          mine,
          newId("cluster"),
          name,
        ]),
      ).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
      await expect(app.pool.query(`select platforma_release_nodes($1, $2)`, [b, key])).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
      });

      // Tenant A can neither give back B's nodes nor take under B's request key.
      const released = await withTenant(app.db, a, (tx) =>
        inventoryFunctions.releaseNodes(tx, { tenantId: a, requestKey: key }),
      );
      expect(released).toBe(false);
      await expect(take(a, name, key)).rejects.toMatchObject({ cause: { code: UNIQUE_VIOLATION } });
      expect(await holders(name)).toMatchObject({ [`node-${name}-1`]: key, [`node-${name}-2`]: null });

      // B's own release gives the node back, once.
      const give = () =>
        withTenant(app.db, b, (tx) => inventoryFunctions.releaseNodes(tx, { tenantId: b, requestKey: key }));
      expect(await give()).toBe(true);
      expect(await give()).toBe(false);
      expect(await holders(name)).toMatchObject({ [`node-${name}-1`]: null, [`node-${name}-2`]: null });
    });

    it("writes the allocation with the take, returns it to a retry, and refuses a released key", async () => {
      const a = await tenant();
      const name = await region();
      const key = `${newId("cluster")}.nodes`;
      const first = await take(a, name, key, 2);
      expect(first).toMatchObject({ id: `alc_${key}`, region: name, releasedAt: null });
      expect(first.detail).toEqual({ nodeIds: [`node-${name}-1`, `node-${name}-2`] });
      expect(await take(a, name, key, 2)).toEqual(first);
      const [row] = await withTenant(app.db, a, (tx) => tx.select().from(allocations));
      expect(row).toMatchObject({ tenantId: a, requestKey: key, kind: "dedicated-nodes" });

      await withTenant(app.db, a, (tx) =>
        inventoryFunctions.releaseNodes(tx, { tenantId: a, requestKey: key }),
      );
      await expect(take(a, name, key, 2)).rejects.toMatchObject({ cause: { code: ALLOCATION_REFUSED } });
      await expect(take(a, name, `${newId("cluster")}.nodes`, 3)).rejects.toMatchObject({
        cause: { code: INVENTORY_EXHAUSTED, hint: "dedicated nodes" },
      });
      expect(Object.values(await holders(name)).filter((h) => h !== null && h !== "0")).toEqual([]);
    });

    it("takes and gives every kind: a cluster slot, a VLAN, NVMe drives, Ceph terabytes", async () => {
      const a = await tenant();
      const name = await region();
      const at = (kind: string) => ({
        tenantId: a,
        requestKey: `${newId("cluster")}.${kind}`,
        clusterId: newId("cluster"),
        region: name,
      });
      const [slot, vlan, drives, ceph] = [at("compute"), at("vlan"), at("drives"), at("ceph")];
      await withTenant(app.db, a, async (tx) => {
        await inventoryFunctions.takeClusterSlot(tx, slot);
        expect((await inventoryFunctions.takeVlan(tx, vlan)).detail).toEqual({ vlanId: 10 });
        expect((await inventoryFunctions.takeNvmeDrives(tx, { ...drives, sizeTb: 6 })).detail).toEqual({
          driveIds: [`nvme-${name}-1`, `nvme-${name}-2`],
        });
        expect((await inventoryFunctions.takeCephTb(tx, { ...ceph, sizeTb: 7 })).detail).toEqual({
          cephClusterId: `ceph-${name}`,
          pool: `pool-${ceph.requestKey}`,
          sizeTb: 7,
        });
      });
      expect(await holders(name)).toMatchObject({
        slots: "1",
        "vlan 10": vlan.requestKey,
        [`nvme-${name}-1`]: drives.requestKey,
        [`nvme-${name}-2`]: drives.requestKey,
        [`nvme-${name}-3`]: null,
        [`ceph-${name}`]: "7",
      });
      // Nothing left in the region: one slot, 3 TB of Ceph.
      const more = at("more");
      await expect(
        withTenant(app.db, a, (tx) => inventoryFunctions.takeClusterSlot(tx, more)),
      ).rejects.toMatchObject({ cause: { code: INVENTORY_EXHAUSTED } });
      await expect(
        withTenant(app.db, a, (tx) => inventoryFunctions.takeCephTb(tx, { ...more, sizeTb: 4 })),
      ).rejects.toMatchObject({ cause: { code: INVENTORY_EXHAUSTED } });
      // A negative size would give terabytes back without having taken any.
      await expect(
        withTenant(app.db, a, (tx) => inventoryFunctions.takeCephTb(tx, { ...more, sizeTb: -7 })),
      ).rejects.toMatchObject({ cause: { code: "22023" } });

      const gives = await withTenant(app.db, a, async (tx) => [
        await inventoryFunctions.releaseCephTb(tx, ceph),
        await inventoryFunctions.releaseCephTb(tx, ceph),
        await inventoryFunctions.releaseNvmeDrives(tx, drives),
        await inventoryFunctions.releaseVlan(tx, vlan),
        await inventoryFunctions.releaseClusterSlot(tx, slot),
        await inventoryFunctions.releaseClusterSlot(tx, slot),
      ]);
      expect(gives).toEqual([true, false, true, true, true, false]);
      expect(Object.values(await holders(name)).filter((h) => h !== null && h !== "0")).toEqual([]);
    });

    it("lets the app role write no allocation of an inventory kind itself (a release trusts them)", async () => {
      const a = await tenant();
      const name = await region();
      const ceph = {
        tenantId: a,
        requestKey: `${newId("cluster")}.storage`,
        clusterId: newId("cluster"),
        region: name,
      };
      await withTenant(app.db, a, async (tx) => {
        await inventoryFunctions.takeCephTb(tx, { ...ceph, sizeTb: 2 });
        await inventoryFunctions.releaseCephTb(tx, ceph);
      });
      const own = (change: (tx: TenantTx) => Promise<unknown>) => withTenant(app.db, a, change);
      // Un-releasing (to give the terabytes back twice), inflating the size, forging or deleting one.
      await expect(own((tx) => tx.update(allocations).set({ releasedAt: null }))).rejects.toMatchObject({
        cause: { code: INSUFFICIENT_PRIVILEGE },
      });
      await expect(
        own((tx) => tx.update(allocations).set({ detail: { cephClusterId: `ceph-${name}`, sizeTb: 10 } })),
      ).rejects.toMatchObject({ cause: { code: INSUFFICIENT_PRIVILEGE } });
      await expect(
        own((tx) =>
          tx.insert(allocations).values({
            id: `alc_forged-${newId("cluster")}`,
            tenantId: a,
            requestKey: `forged-${newId("cluster")}`,
            clusterId: newId("cluster"),
            region: name,
            kind: "dedicated-nodes",
          }),
        ),
      ).rejects.toMatchObject({ cause: { code: INSUFFICIENT_PRIVILEGE } });
      await expect(own((tx) => tx.delete(allocations))).rejects.toMatchObject({
        cause: { code: INSUFFICIENT_PRIVILEGE },
      });
      // Allocations that hold no shared inventory stay the app role's to write.
      const firewall = `${newId("cluster")}.firewall`;
      await expect(
        own((tx) =>
          tx.insert(allocations).values({
            id: `alc_${firewall}`,
            tenantId: a,
            requestKey: firewall,
            clusterId: newId("cluster"),
            region: name,
            kind: "firewall",
          }),
        ),
      ).resolves.toBeDefined();
    });

    it("never gives one node to two concurrent takes", async () => {
      const name = await region(3);
      const tenants = await Promise.all(Array.from({ length: 6 }, () => tenant()));
      const results = await Promise.allSettled(
        tenants.map((t) => take(t, name, `${newId("cluster")}.nodes`)),
      );
      const taken = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.detail["nodeIds"]] : []));
      const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
      expect(taken.flat().sort()).toEqual([1, 2, 3].map((i) => `node-${name}-${i}`));
      expect(refused).toHaveLength(3);
      for (const err of refused) expect(err).toMatchObject({ cause: { code: INVENTORY_EXHAUSTED } });
    });
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
