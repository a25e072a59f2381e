import { asc, eq, gt, inArray } from "drizzle-orm";
import { DomainError, QUOTA_NAMES, type QuotaLimits, type TenantId } from "@platforma/contracts";
import { tenantQuotas, tenants, type SystemDb } from "@platforma/db";
import type { Page } from "../pagination.ts";
import { toTenantDto, type TenantDto } from "./tenant-dto.ts";

async function limitsOf(db: SystemDb, ids: TenantId[]): Promise<Map<TenantId, QuotaLimits>> {
  const rows = ids.length
    ? await db.select().from(tenantQuotas).where(inArray(tenantQuotas.tenantId, ids))
    : [];
  const out = new Map<TenantId, QuotaLimits>();
  for (const r of rows) {
    const tenantId = r.tenantId as TenantId;
    const limits = out.get(tenantId) ?? (Object.fromEntries(QUOTA_NAMES.map((q) => [q, 0])) as QuotaLimits);
    limits[r.quota] = r.limit;
    out.set(tenantId, limits);
  }
  return out;
}

/** Operator use case. */
export async function getTenant(db: SystemDb, id: TenantId): Promise<TenantDto> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  if (!row) throw new DomainError("not_found", `tenant ${id} not found`);
  return toTenantDto(row, (await limitsOf(db, [id])).get(id));
}

/** Operator use case: keyset-paginated by id. */
export async function listTenants(
  db: SystemDb,
  opts: { limit: number; cursor?: TenantId | undefined },
): Promise<Page<TenantDto>> {
  const rows = await db
    .select()
    .from(tenants)
    .where(opts.cursor ? gt(tenants.id, opts.cursor) : undefined)
    .orderBy(asc(tenants.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const limits = await limitsOf(
    db,
    page.map((r) => r.id),
  );
  return {
    items: page.map((r) => toTenantDto(r, limits.get(r.id))),
    nextCursor: rows.length > opts.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
