import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { revokeApiKey } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";

export const revokeApiKeyProcedure = tenantProcedure
  .meta({ scopes: ["api_keys:manage"] })
  .input(z.strictObject({ keyId: idSchema("apiKey") }))
  .mutation(({ ctx, input }) => revokeApiKey(ctx.deps.db, ctx.tenantContext, input.keyId));
