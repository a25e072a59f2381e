import { getQuotas } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";

export const getQuotasProcedure = tenantProcedure
  .meta({ scopes: ["quotas:read"] })
  .query(async ({ ctx }) => ({ quotas: await getQuotas(ctx.deps.db, ctx.tenant.id) }));
