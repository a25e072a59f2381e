import { z } from "zod";
import { inviteUser } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { rolesInput } from "../schemas.ts";

export const inviteUserProcedure = tenantProcedure
  .meta({ scopes: ["users:manage"] })
  .input(
    z.strictObject({
      email: z.email().max(254),
      displayName: z.string().trim().min(1).max(200).optional(),
      roles: rolesInput.default([]),
    }),
  )
  .mutation(({ ctx, input }) => inviteUser(ctx.deps.db, ctx.tenantContext, input));
