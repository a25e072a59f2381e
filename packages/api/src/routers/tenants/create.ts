import { z } from "zod";
import { createTenant } from "@platforma/domain";
import { operatorProcedure } from "../../trpc.ts";
import { quotaRequestInput, regionSchema, text } from "../schemas.ts";

export const createTenantProcedure = operatorProcedure
  .meta({ scopes: ["platform:admin"] })
  .input(
    z.strictObject({
      name: text({ trim: true, min: 1, max: 200 }),
      allowedRegions: z.array(regionSchema).min(1).max(50),
      dedicatedEntitled: z.boolean().default(false),
      quotas: quotaRequestInput.optional(),
    }),
  )
  .mutation(({ ctx, input }) => createTenant(ctx.deps.systemDb, input));
