import { eq } from "drizzle-orm";
import { DomainError, type TenantContext, type UserId } from "@platforma/contracts";
import { users, withTenant, type AppDb } from "@platforma/db";
import { appendEvent } from "@platforma/events";
import { toUserDto, type UserDto } from "./user-dto.ts";

const sameRoles = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

/** Replaces a user's roles; `user.roles_updated` is written only when they actually change. */
export async function updateUserRoles(
  db: AppDb,
  ctx: TenantContext,
  input: { userId: UserId; roles: string[] },
): Promise<UserDto> {
  return withTenant(db, ctx.tenantId, async (tx) => {
    // Locked so two concurrent updates each report the roles they really replaced.
    const [current] = await tx.select().from(users).where(eq(users.id, input.userId)).for("update");
    if (!current) throw new DomainError("not_found", `user ${input.userId} not found`);
    if (sameRoles(current.roles, input.roles)) return toUserDto(current);
    const [row] = await tx
      .update(users)
      .set({ roles: input.roles, updatedAt: new Date() })
      .where(eq(users.id, input.userId))
      .returning();
    if (!row) throw new Error("user update returned no row");
    await appendEvent(tx, ctx.tenantId, "user.roles_updated.v1", {
      userId: row.id,
      roles: row.roles,
      previousRoles: current.roles,
      updatedBy: ctx.userId,
    });
    return toUserDto(row);
  });
}
