import { eq } from "drizzle-orm";
import { DomainError, newId, type QuotaRequest, type TenantContext } from "@platforma/contracts";
import { users, withTenant, type AppDb } from "@platforma/db";
import { appendEvent } from "@platforma/events";
import { pgErrorOf, UNIQUE_VIOLATION } from "../pg-errors.ts";
import { admitQuota } from "../quotas/admit-quota.ts";
import { recordingQuotaRejections } from "../quotas/record-rejection.ts";
import { toUserDto, type UserDto } from "./user-dto.ts";

export interface InviteUserInput {
  email: string;
  displayName?: string | undefined;
  roles: string[];
}

export const USER_QUOTA: QuotaRequest = { max_users: 1 };

/**
 * Invites a user into the caller's tenant: `max_users` admission, the user row and
 * `user.invited` in one tenant transaction. Emails are unique per tenant, compared lower-cased.
 */
export async function inviteUser(db: AppDb, ctx: TenantContext, input: InviteUserInput): Promise<UserDto> {
  const email = input.email.trim().toLowerCase();
  const conflict = (cause?: unknown) =>
    new DomainError("conflict", "a user with this email already exists", {}, { cause });
  try {
    return await recordingQuotaRejections(db, ctx.tenantId, "users.invite", () =>
      withTenant(db, ctx.tenantId, async (tx) => {
        // Checked before admission so a duplicate is answered as a conflict, not as a quota refusal;
        // the unique index still decides a race between two invites of the same address.
        const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
        if (existing) throw conflict();
        await admitQuota(tx, ctx.tenantId, USER_QUOTA);
        const [row] = await tx
          .insert(users)
          .values({
            id: newId("user"),
            tenantId: ctx.tenantId,
            email,
            displayName: input.displayName ?? null,
            roles: input.roles,
            invitedBy: ctx.userId,
          })
          .returning();
        if (!row) throw new Error("user insert returned no row");
        await appendEvent(tx, ctx.tenantId, "user.invited.v1", {
          userId: row.id,
          roles: row.roles,
          invitedBy: ctx.userId,
        });
        return toUserDto(row);
      }),
    );
  } catch (err) {
    const pg = pgErrorOf(err);
    if (pg?.code === UNIQUE_VIOLATION && pg.constraint === "users_tenant_id_email_uq") throw conflict(err);
    throw err;
  }
}
