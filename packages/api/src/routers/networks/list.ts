import { listNetworks } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { pageInput } from "../schemas.ts";

export const listNetworksProcedure = tenantProcedure
  .meta({ scopes: ["infrastructure:read"] })
  .input(pageInput.default({ limit: 50 }))
  .query(({ ctx, input }) => listNetworks(ctx.deps.db, ctx.tenant.id, input));
