import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { updateQuotaLimits } from "@platforma/domain";
import { operatorProcedure } from "../../trpc.ts";
import { quotaRequestInput } from "../schemas.ts";

export const updateTenantQuotasProcedure = operatorProcedure
  .meta({ scopes: ["platform:admin"] })
  .input(z.strictObject({ tenantId: idSchema("tenant"), quotas: quotaRequestInput }))
  .mutation(async ({ ctx, input }) => ({
    tenantId: input.tenantId,
    limits: await updateQuotaLimits(ctx.deps.systemDb, input.tenantId, input.quotas, ctx.principal.userId),
  }));
