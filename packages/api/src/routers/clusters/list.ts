import { listClusters } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { pageInput } from "../schemas.ts";

export const listClustersProcedure = tenantProcedure
  .meta({ scopes: ["infrastructure:read"] })
  .input(pageInput.default({ limit: 50 }))
  .query(({ ctx, input }) => listClusters(ctx.deps.db, ctx.tenant.id, input));
