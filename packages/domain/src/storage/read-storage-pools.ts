import { and, eq, ne } from "drizzle-orm";
import type { ClusterId, TenantId } from "@platforma/contracts";
import { storagePools, withTenant, type AppDb } from "@platforma/db";
import { newestFirst, toPage, type Page } from "../pagination.ts";
import { toStoragePoolDto, type StoragePoolDto } from "./storage-pool-dto.ts";

/** The tenant's storage pools (of one cluster, if given), newest first; deleted ones are gone. */
export async function listStoragePools(
  db: AppDb,
  tenantId: TenantId,
  opts: { clusterId?: ClusterId | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<StoragePoolDto>> {
  const { where, orderBy } = newestFirst(storagePools, opts.cursor);
  const rows = await withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(storagePools)
      .where(
        and(
          where,
          ne(storagePools.state, "deleted"),
          opts.clusterId ? eq(storagePools.clusterId, opts.clusterId) : undefined,
        ),
      )
      .orderBy(...orderBy)
      .limit(opts.limit + 1),
  );
  return toPage(rows, opts.limit, toStoragePoolDto);
}
