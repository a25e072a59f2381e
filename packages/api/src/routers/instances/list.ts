import { idSchema } from "@platforma/contracts";
import { listInstances } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { pageInput } from "../schemas.ts";

export const listInstancesProcedure = tenantProcedure
  .meta({ scopes: ["infrastructure:read"] })
  .input(pageInput.extend({ clusterId: idSchema("cluster").optional() }).default({ limit: 50 }))
  .query(({ ctx, input }) => listInstances(ctx.deps.db, ctx.tenant.id, input));
