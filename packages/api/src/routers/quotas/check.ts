import { z } from "zod";
import { checkQuota } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { quotaRequestInput } from "../schemas.ts";

/** Would this request fit? The same violations as a real admission, nothing reserved. */
export const checkQuotaProcedure = tenantProcedure
  .meta({ scopes: ["quotas:read"] })
  .input(z.strictObject({ request: quotaRequestInput }))
  .query(({ ctx, input }) => checkQuota(ctx.deps.db, ctx.tenant.id, input.request));
