import { z } from "zod";
import { createTenant } from "@platforma/domain";
import { QUOTA_NAMES } from "@platforma/contracts";
import { operatorProcedure } from "../../trpc.ts";
import { regionSchema } from "../schemas.ts";

const quotaValue = z.number().int().min(0).max(1_000_000_000);
const quotasInput = z.strictObject(Object.fromEntries(QUOTA_NAMES.map((q) => [q, quotaValue.optional()])));

export const createTenantProcedure = operatorProcedure
  .meta({ scopes: ["platform:admin"] })
  .input(
    z.strictObject({
      name: z.string().trim().min(1).max(200),
      allowedRegions: z.array(regionSchema).min(1).max(50),
      dedicatedEntitled: z.boolean().default(false),
      quotas: quotasInput.optional(),
    }),
  )
  .mutation(({ ctx, input }) => createTenant(ctx.deps.systemDb, input));
