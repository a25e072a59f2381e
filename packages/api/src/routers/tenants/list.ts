import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { listTenants } from "@platforma/domain";
import { operatorProcedure } from "../../trpc.ts";

export const listTenantsProcedure = operatorProcedure
  .meta({ scopes: ["platform:admin"] })
  .input(
    z
      .strictObject({
        limit: z.number().int().min(1).max(200).default(50),
        cursor: idSchema("tenant").optional(),
      })
      .default({ limit: 50 }),
  )
  .query(({ ctx, input }) => listTenants(ctx.deps.systemDb, input));
