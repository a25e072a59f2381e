import { and, desc, eq, lt, or } from "drizzle-orm";
import { DomainError, type ClusterId, type TenantId } from "@platforma/contracts";
import { clusters, withTenant, type AppDb } from "@platforma/db";
import { decodeCursor, encodeCursor, type Page } from "../pagination.ts";
import { toClusterDto, type ClusterDto } from "./cluster-dto.ts";

export async function getCluster(db: AppDb, tenantId: TenantId, id: ClusterId): Promise<ClusterDto> {
  const [row] = await withTenant(db, tenantId, (tx) => tx.select().from(clusters).where(eq(clusters.id, id)));
  if (!row) throw new DomainError("not_found", `cluster ${id} not found`);
  return toClusterDto(row);
}

/** The tenant's clusters, newest first. RLS alone scopes the rows; no tenant filter is needed or trusted. */
export async function listClusters(
  db: AppDb,
  tenantId: TenantId,
  opts: { limit: number; cursor?: string | undefined },
): Promise<Page<ClusterDto>> {
  const after = decodeCursor(opts.cursor);
  const rows = await withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(clusters)
      .where(
        after
          ? or(
              lt(clusters.createdAt, after.at),
              and(eq(clusters.createdAt, after.at), lt(clusters.id, after.id as ClusterId)),
            )
          : undefined,
      )
      .orderBy(desc(clusters.createdAt), desc(clusters.id))
      .limit(opts.limit + 1),
  );
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    items: page.map(toClusterDto),
    nextCursor: rows.length > opts.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}
