import { and, eq, ne } from "drizzle-orm";
import { DomainError, type ClusterId, type InstanceId, type TenantId } from "@platforma/contracts";
import { instances, withTenant, type AppDb } from "@platforma/db";
import { newestFirst, toPage, type Page } from "../pagination.ts";
import { toInstanceDto, type InstanceDto } from "./instance-dto.ts";

export async function getInstance(db: AppDb, tenantId: TenantId, id: InstanceId): Promise<InstanceDto> {
  const [row] = await withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(instances)
      .where(and(eq(instances.id, id), ne(instances.state, "deleted"))),
  );
  if (!row) throw new DomainError("not_found", `instance ${id} not found`);
  return toInstanceDto(row);
}

/** The tenant's instances (of one cluster, if given), newest first; deleted ones are gone. */
export async function listInstances(
  db: AppDb,
  tenantId: TenantId,
  opts: { clusterId?: ClusterId | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<InstanceDto>> {
  const { where, orderBy } = newestFirst(instances, opts.cursor);
  const rows = await withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(instances)
      .where(
        and(
          where,
          ne(instances.state, "deleted"),
          opts.clusterId ? eq(instances.clusterId, opts.clusterId) : undefined,
        ),
      )
      .orderBy(...orderBy)
      .limit(opts.limit + 1),
  );
  return toPage(rows, opts.limit, toInstanceDto);
}
