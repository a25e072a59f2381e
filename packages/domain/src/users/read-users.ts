import { eq } from "drizzle-orm";
import { DomainError, type TenantId, type UserId } from "@platforma/contracts";
import { users, withTenant, type AppDb } from "@platforma/db";
import { newestFirst, toPage, type Page } from "../pagination.ts";
import { toUserDto, type UserDto } from "./user-dto.ts";

export async function getUser(db: AppDb, tenantId: TenantId, id: UserId): Promise<UserDto> {
  const [row] = await withTenant(db, tenantId, (tx) => tx.select().from(users).where(eq(users.id, id)));
  if (!row) throw new DomainError("not_found", `user ${id} not found`);
  return toUserDto(row);
}

/** The tenant's users, newest first. RLS alone scopes the rows. */
export async function listUsers(
  db: AppDb,
  tenantId: TenantId,
  opts: { limit: number; cursor?: string | undefined },
): Promise<Page<UserDto>> {
  const { where, orderBy } = newestFirst(users, opts.cursor);
  const rows = await withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(users)
      .where(where)
      .orderBy(...orderBy)
      .limit(opts.limit + 1),
  );
  return toPage(rows, opts.limit, toUserDto);
}
