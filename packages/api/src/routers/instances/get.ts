import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { getInstance } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";

export const getInstanceProcedure = tenantProcedure
  .meta({ scopes: ["infrastructure:read"] })
  .input(z.strictObject({ instanceId: idSchema("instance") }))
  .query(({ ctx, input }) => getInstance(ctx.deps.db, ctx.tenant.id, input.instanceId));
