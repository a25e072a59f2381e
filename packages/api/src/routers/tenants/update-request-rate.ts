import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { updateRequestRate } from "@platforma/domain";
import { operatorProcedure } from "../../trpc.ts";

/** Per-tenant request rate (across API processes); null puts a field back to the API's default. */
export const updateTenantRequestRateProcedure = operatorProcedure
  .meta({ scopes: ["platform:admin"] })
  .input(
    z
      .strictObject({
        tenantId: idSchema("tenant"),
        perSecond: z.number().positive().max(100_000).nullable().optional(),
        burst: z.number().int().min(1).max(1_000_000).nullable().optional(),
      })
      .refine((input) => input.perSecond !== undefined || input.burst !== undefined, {
        message: "give perSecond, burst or both",
      }),
  )
  .mutation(({ ctx, input }) => updateRequestRate(ctx.deps.systemDb, input.tenantId, input));
