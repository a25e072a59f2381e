import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { getUser } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";

export const getUserProcedure = tenantProcedure
  .meta({ scopes: ["users:manage"] })
  .input(z.strictObject({ userId: idSchema("user") }))
  .query(({ ctx, input }) => getUser(ctx.deps.db, ctx.tenant.id, input.userId));
