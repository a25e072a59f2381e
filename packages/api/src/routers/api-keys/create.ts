import { z } from "zod";
import { SCOPES } from "@platforma/contracts";
import { createApiKey } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { text } from "../../text-schema.ts";

export const createApiKeyProcedure = tenantProcedure
  .meta({ scopes: ["api_keys:manage"] })
  .input(
    z.strictObject({
      name: text({ trim: true, min: 1, max: 100 }),
      // Subset of the caller's scopes and never platform:admin: checked by the use case.
      scopes: z.array(z.enum(SCOPES)).min(1).max(32),
      expiresAt: z.iso.datetime({ offset: true }).optional(),
    }),
  )
  .mutation(({ ctx, input }) => createApiKey(ctx.deps.db, ctx.tenantContext, input));
