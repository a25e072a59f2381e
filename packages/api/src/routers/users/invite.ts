import { z } from "zod";
import { inviteUser } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { rolesInput, text } from "../schemas.ts";

export const inviteUserProcedure = tenantProcedure
  .meta({ scopes: ["users:manage"] })
  .input(
    z.strictObject({
      email: z.email().max(254),
      displayName: text({ trim: true, min: 1, max: 200 }).optional(),
      roles: rolesInput.default([]),
    }),
  )
  .mutation(({ ctx, input }) => inviteUser(ctx.deps.db, ctx.tenantContext, input));
