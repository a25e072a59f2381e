import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { removeUser } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";

export const removeUserProcedure = tenantProcedure
  .meta({ scopes: ["users:manage"] })
  .input(z.strictObject({ userId: idSchema("user") }))
  .mutation(({ ctx, input }) => removeUser(ctx.deps.db, ctx.tenantContext, input.userId));
