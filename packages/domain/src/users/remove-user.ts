import { eq } from "drizzle-orm";
import { DomainError, type TenantContext, type UserId } from "@platforma/contracts";
import { users, withTenant, type AppDb } from "@platforma/db";
import { appendEvent } from "@platforma/events";
import { releaseQuota } from "../quotas/admit-quota.ts";
import { USER_QUOTA } from "./invite-user.ts";
import { toUserDto, type UserDto } from "./user-dto.ts";

/**
 * Deletes the user row, gives its `max_users` back and writes `user.removed`, in one tenant
 * transaction. A second removal finds no row (not_found), so the quota is released once.
 */
export async function removeUser(db: AppDb, ctx: TenantContext, userId: UserId): Promise<UserDto> {
  return withTenant(db, ctx.tenantId, async (tx) => {
    const [row] = await tx.delete(users).where(eq(users.id, userId)).returning();
    if (!row) throw new DomainError("not_found", `user ${userId} not found`);
    await releaseQuota(tx, ctx.tenantId, USER_QUOTA);
    await appendEvent(tx, ctx.tenantId, "user.removed.v1", { userId, removedBy: ctx.userId });
    return toUserDto(row);
  });
}
