import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Client } from "@temporalio/client";
import { expect } from "vitest";
import type { ClusterId, ResourceKind, TenantId } from "@platforma/contracts";
import {
  allocations,
  cephClusters,
  clusters,
  instances,
  nvmeDrives,
  orders,
  OPEN_ORDER_STATES,
  providerNodes,
  providerVlans,
  QUOTA_HOLDING_STATES,
  storagePools,
  tableName,
  tenants,
  tenantTables,
  type AppDb,
  type SystemDb,
} from "@platforma/db";
import { usageDrift } from "@platforma/domain";
import { resourceIdOfKey } from "@platforma/providers";
import { eventually } from "./eventually.ts";

export interface InvariantDeps {
  db: AppDb;
  systemDb: SystemDb;
  /** To check that no workflow of a purged tenant still runs; skipped without Temporal. */
  temporal?: Client | null;
}

const HOLDING = [...QUOTA_HOLDING_STATES];

/**
 * The platform's promises, checked after the tenants' work has settled. Every integration test
 * that changes state calls this at its end, so every future test guards them too:
 *
 * 1. every order of the tenants ended (none open, so none waits for a workflow that never starts),
 *    and so did its workflow (with `temporal`);
 * 2. every provider allocation still held belongs to a live resource (a cluster, instance or
 *    storage pool that is provisioning, ready or deleting), and every inventory row held by a
 *    request key has an unreleased allocation behind it (no inventory held by nothing);
 * 3. each tenant's recorded quota usage equals a recount of what exists;
 * 4. nothing is left of a purged tenant: no row in any tenant table (its `tenant.purged` event
 *    aside, until the relay prunes it), and no running workflow.
 *
 * Waits (up to `timeoutMs`) for open orders to end before checking the rest.
 */
export async function expectPlatformInvariants(
  deps: InvariantDeps,
  tenantIds: readonly TenantId[],
  opts: { timeoutMs?: number } = {},
): Promise<void> {
  if (tenantIds.length === 0) return;
  const ids = [...tenantIds];

  await eventually(
    async () => {
      const open = await deps.systemDb
        .select({ id: orders.id, tenantId: orders.tenantId, kind: orders.kind, state: orders.state })
        .from(orders)
        .where(and(inArray(orders.tenantId, ids), inArray(orders.state, [...OPEN_ORDER_STATES])));
      expect(open, "every order ended").toEqual([]);
    },
    { timeoutMs: opts.timeoutMs ?? 60_000, intervalMs: 200 },
  );
  // An ended order's workflow ends too (a saga still running could take inventory after the checks).
  const temporal = deps.temporal;
  if (temporal) {
    await eventually(
      async () => {
        const running: string[] = [];
        for (const tenantId of ids) {
          for await (const wf of temporal.workflow.list({
            query: `TenantId = '${tenantId}' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH 'order/'`,
          })) {
            running.push(wf.workflowId);
          }
        }
        expect(running, "no order workflow still running").toEqual([]);
      },
      { timeoutMs: opts.timeoutMs ?? 60_000, intervalMs: 200 },
    );
  }

  // One snapshot for the inventory: allocations and inventory rows change together in one
  // transaction, so a consistent snapshot sees them agree even while other tests run.
  await deps.systemDb.transaction(
    async (tx) => {
      const held = await tx
        .select()
        .from(allocations)
        .where(and(inArray(allocations.tenantId, ids), isNull(allocations.releasedAt)));
      const orphans: string[] = [];
      for (const a of held) {
        if (a.kind === "instance" || a.kind === "storagePool") {
          const kind: ResourceKind = a.kind;
          const id = resourceIdOfKey(kind, a.requestKey);
          const table = kind === "instance" ? instances : storagePools;
          const [row] = await tx
            .select({ state: table.state })
            .from(table)
            .where(eq(table.id, id as never));
          if (!row || !HOLDING.includes(row.state)) orphans.push(`${a.requestKey} (${row?.state ?? "gone"})`);
        } else {
          const [row] = await tx
            .select({ state: clusters.state })
            .from(clusters)
            .where(eq(clusters.id, a.clusterId as ClusterId));
          if (!row || !HOLDING.includes(row.state)) orphans.push(`${a.requestKey} (${row?.state ?? "gone"})`);
        }
      }
      expect(orphans, "allocations held only by live resources").toEqual([]);

      const unbacked = await tx.execute<{ what: string }>(sql`
        select 'node ' || n.id || ' held by ' || n.holder as what from ${providerNodes} n
          where n.holder is not null and not exists (
            select 1 from ${allocations} a where a.request_key = n.holder and a.released_at is null)
        union all
        select 'vlan ' || v.region || '/' || v.vlan_id || ' held by ' || v.holder from ${providerVlans} v
          where v.holder is not null and not exists (
            select 1 from ${allocations} a where a.request_key = v.holder and a.released_at is null)
        union all
        select 'drive ' || d.id || ' held by ' || d.holder from ${nvmeDrives} d
          where d.holder is not null and not exists (
            select 1 from ${allocations} a where a.request_key = d.holder and a.released_at is null)
        union all
        select 'ceph ' || c.id || ' used ' || c.used_tb || ' TB, pools hold ' || coalesce(p.tb, 0)
          from ${cephClusters} c left join (
            select a.detail ->> 'cephClusterId' as id, sum((a.detail ->> 'sizeTb')::int) as tb
            from ${allocations} a where a.kind = 'ceph-pool' and a.released_at is null group by 1
          ) p on p.id = c.id
          where c.used_tb <> coalesce(p.tb, 0)`);
      expect(
        unbacked.rows.map((r) => r.what),
        "inventory held only through live allocations",
      ).toEqual([]);
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );

  const rows = await deps.systemDb
    .select({ id: tenants.id, purgedAt: tenants.purgedAt })
    .from(tenants)
    .where(inArray(tenants.id, ids));
  for (const t of rows) {
    if (t.purgedAt) {
      await expectNothingLeft(deps, t.id);
    } else {
      expect(await usageDrift(deps.db, t.id), `quota usage of ${t.id} equals a recount`).toEqual([]);
    }
  }
}

async function expectNothingLeft(deps: InvariantDeps, tenantId: TenantId): Promise<void> {
  const left: Record<string, number> = {};
  for (const table of tenantTables) {
    const name = tableName(table);
    const exceptTombstoneEvent = name === "outbox" ? sql` and type <> 'tenant.purged.v1'` : sql``;
    const result = await deps.systemDb.execute<{ n: number }>(
      sql`select count(*)::int as n from ${table} where tenant_id = ${tenantId}${exceptTombstoneEvent}`,
    );
    const n = result.rows[0]?.n ?? 0;
    if (n > 0) left[name] = n;
  }
  expect(left, `nothing left of purged tenant ${tenantId}`).toEqual({});
  const temporal = deps.temporal;
  if (temporal) {
    // The lifecycle workflow marks the tenant purged, then verifies and announces it before it
    // ends: it may take a moment more to finish (bounded), and nothing else may still run.
    await eventually(
      async () => {
        const running: string[] = [];
        for await (const wf of temporal.workflow.list({
          query: `TenantId = '${tenantId}' AND ExecutionStatus = 'Running'`,
        })) {
          running.push(wf.workflowId);
        }
        expect(running, `no workflow of purged tenant ${tenantId} runs`).toEqual([]);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }
}
