import type { TenantId } from "@platforma/contracts";
import { apiKeys, withTenant, type AppDb } from "@platforma/db";
import { newestFirst, toPage, type Page } from "../pagination.ts";
import { toApiKeyDto, type ApiKeyDto } from "./api-key-dto.ts";

/** The tenant's API keys (revoked ones included, with their status), newest first. */
export async function listApiKeys(
  db: AppDb,
  tenantId: TenantId,
  opts: { limit: number; cursor?: string | undefined },
): Promise<Page<ApiKeyDto>> {
  const { where, orderBy } = newestFirst(apiKeys, opts.cursor);
  const rows = await withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(apiKeys)
      .where(where)
      .orderBy(...orderBy)
      .limit(opts.limit + 1),
  );
  const now = new Date();
  return toPage(rows, opts.limit, (row) => toApiKeyDto(row, now));
}
