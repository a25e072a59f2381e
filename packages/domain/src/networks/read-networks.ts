import { and, eq, ne } from "drizzle-orm";
import { DomainError, type NetworkId, type TenantId } from "@platforma/contracts";
import { networks, withTenant, type AppDb } from "@platforma/db";
import { newestFirst, toPage, type Page } from "../pagination.ts";
import { toNetworkDto, type NetworkDto } from "./network-dto.ts";

export async function getNetwork(db: AppDb, tenantId: TenantId, id: NetworkId): Promise<NetworkDto> {
  const [row] = await withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(networks)
      .where(and(eq(networks.id, id), ne(networks.state, "deleted"))),
  );
  if (!row) throw new DomainError("not_found", `network ${id} not found`);
  return toNetworkDto(row);
}

export async function listNetworks(
  db: AppDb,
  tenantId: TenantId,
  opts: { limit: number; cursor?: string | undefined },
): Promise<Page<NetworkDto>> {
  const { where, orderBy } = newestFirst(networks, opts.cursor);
  const rows = await withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(networks)
      .where(and(where, ne(networks.state, "deleted")))
      .orderBy(...orderBy)
      .limit(opts.limit + 1),
  );
  return toPage(rows, opts.limit, toNetworkDto);
}
