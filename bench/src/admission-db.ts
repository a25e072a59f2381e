import type { TenantId } from "@platforma/contracts";
import { createSystemDb, tableName, tenants, tenantTables } from "@platforma/db";
import { createTenant } from "@platforma/domain";

export interface AdmissionUsage {
  /** `max_clusters` used, summed over the tenants. */
  used: number;
  clusters: number;
  orders: number;
  /** Orders whose workflow start is not marked (still owed to the order starter). */
  unstarted: number;
  /** The workflow ids of the orders. */
  workflowIds: string[];
}

/** What the admission benchmark does with the system role, outside the measurement. */
export interface AdmissionDb {
  /** Fresh active tenants allowed `region`, with `maxClusters` and the default other quotas. */
  seedTenants(label: string, count: number, region: string, maxClusters: number): Promise<TenantId[]>;
  usage(tenantIds: readonly TenantId[]): Promise<AdmissionUsage>;
  /** Deletes every row of every tenant table for these tenants, then the tenants; the row count. */
  removeTenants(tenantIds: readonly TenantId[]): Promise<number>;
  /** Server version and the settings that decide what a commit waits for. */
  postgresSettings(): Promise<string>;
  close(): Promise<void>;
}

export function openAdmissionDb(systemDatabaseUrl: string): AdmissionDb {
  const system = createSystemDb({ url: systemDatabaseUrl, max: 2, applicationName: "platforma-bench-seed" });
  const ids = (tenantIds: readonly TenantId[]) => [...tenantIds];

  return {
    async seedTenants(label, count, region, maxClusters) {
      const seeded: TenantId[] = [];
      for (let i = 0; i < count; i++) {
        const tenant = await createTenant(system.db, {
          name: `bench ${label} ${i}`,
          allowedRegions: [region],
          quotas: { max_clusters: maxClusters },
        });
        seeded.push(tenant.id);
      }
      return seeded;
    },

    async usage(tenantIds) {
      const { rows } = await system.pool.query<{
        used: string;
        clusters: string;
        orders: string;
        unstarted: string;
        workflow_ids: string[];
      }>(
        `select
           (select coalesce(sum(used), 0) from tenant_quotas
             where quota = 'max_clusters' and tenant_id = any($1)) as used,
           (select count(*) from clusters where tenant_id = any($1)) as clusters,
           (select count(*) from orders where tenant_id = any($1)) as orders,
           (select count(*) from orders where tenant_id = any($1) and workflow_started_at is null) as unstarted,
           (select coalesce(array_agg(workflow_id), '{}') from orders where tenant_id = any($1)) as workflow_ids`,
        [ids(tenantIds)],
      );
      const row = rows[0];
      if (!row) throw new Error("usage query returned no row");
      return {
        used: Number(row.used),
        clusters: Number(row.clusters),
        orders: Number(row.orders),
        unstarted: Number(row.unstarted),
        workflowIds: row.workflow_ids,
      };
    },

    async removeTenants(tenantIds) {
      // Unpublished outbox rows would otherwise wait for the next relay, and a run leaves tens of
      // thousands of them: the benchmark's tenants exist only for the run, so nothing of them stays.
      const client = await system.pool.connect();
      try {
        await client.query("begin");
        let removed = 0;
        for (const table of [...tenantTables, tenants]) {
          const column = table === tenants ? "id" : "tenant_id";
          const result = await client.query(
            `delete from ${client.escapeIdentifier(tableName(table))} where ${column} = any($1)`,
            [ids(tenantIds)],
          );
          removed += result.rowCount ?? 0;
        }
        await client.query("commit");
        return removed;
      } catch (err) {
        await client.query("rollback").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },

    async postgresSettings() {
      const { rows } = await system.pool.query<{ version: string; fsync: string; sync: string }>(
        `select current_setting('server_version') as version, current_setting('fsync') as fsync,
                current_setting('synchronous_commit') as sync`,
      );
      const row = rows[0];
      if (!row) throw new Error("settings query returned no row");
      return `Postgres ${row.version.split(" ")[0] ?? row.version}, fsync ${row.fsync}, synchronous_commit ${row.sync}`;
    },

    close: () => system.close(),
  };
}
