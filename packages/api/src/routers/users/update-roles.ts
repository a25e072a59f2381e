import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { updateUserRoles } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { rolesInput } from "../schemas.ts";

export const updateUserRolesProcedure = tenantProcedure
  .meta({ scopes: ["users:manage"] })
  .input(z.strictObject({ userId: idSchema("user"), roles: rolesInput }))
  .mutation(({ ctx, input }) => updateUserRoles(ctx.deps.db, ctx.tenantContext, input));
