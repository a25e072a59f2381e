import { listApiKeys } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { pageInput } from "../schemas.ts";

export const listApiKeysProcedure = tenantProcedure
  .meta({ scopes: ["api_keys:manage"] })
  .input(pageInput.default({ limit: 50 }))
  .query(({ ctx, input }) => listApiKeys(ctx.deps.db, ctx.tenant.id, input));
