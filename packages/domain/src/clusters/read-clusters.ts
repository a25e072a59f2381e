import { and, eq, ne } from "drizzle-orm";
import { DomainError, type ClusterId, type TenantId } from "@platforma/contracts";
import { clusters, withTenant, type AppDb, type Tx } from "@platforma/db";
import { newestFirst, toPage, type Page } from "../pagination.ts";
import { toClusterDto, type ClusterDto } from "./cluster-dto.ts";

export async function getCluster(db: AppDb, tenantId: TenantId, id: ClusterId): Promise<ClusterDto> {
  const [row] = await withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(clusters)
      .where(and(eq(clusters.id, id), ne(clusters.state, "deleted"))),
  );
  if (!row) throw new DomainError("not_found", `cluster ${id} not found`);
  return toClusterDto(row);
}

/**
 * One page of clusters, newest first, as a query: `listClusters` runs it in the tenant's
 * transaction, and the read benchmark's bare baseline runs its SQL text as it is, so both sides
 * always ask Postgres the same thing.
 */
export function clusterPageQuery(
  db: Pick<Tx, "select">,
  opts: { limit: number; cursor?: string | undefined },
) {
  const { where, orderBy } = newestFirst(clusters, opts.cursor);
  return db
    .select()
    .from(clusters)
    .where(and(ne(clusters.state, "deleted"), where))
    .orderBy(...orderBy)
    .limit(opts.limit + 1);
}

/**
 * The tenant's clusters, newest first; deleted ones are gone, as for instances and storage pools.
 * RLS alone scopes the rows; no tenant filter is needed or trusted.
 */
export async function listClusters(
  db: AppDb,
  tenantId: TenantId,
  opts: { limit: number; cursor?: string | undefined },
): Promise<Page<ClusterDto>> {
  const rows = await withTenant(db, tenantId, (tx) => clusterPageQuery(tx, opts));
  return toPage(rows, opts.limit, toClusterDto);
}
