import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { getTenant } from "@platforma/domain";
import { operatorProcedure } from "../../trpc.ts";

export const getTenantProcedure = operatorProcedure
  .meta({ scopes: ["platform:admin"] })
  .input(z.strictObject({ tenantId: idSchema("tenant") }))
  .query(({ ctx, input }) => getTenant(ctx.deps.systemDb, input.tenantId));
