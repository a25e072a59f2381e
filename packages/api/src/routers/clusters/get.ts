import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { getCluster } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";

export const getClusterProcedure = tenantProcedure
  .meta({ scopes: ["infrastructure:read"] })
  .input(z.strictObject({ clusterId: idSchema("cluster") }))
  .query(({ ctx, input }) => getCluster(ctx.deps.db, ctx.tenant.id, input.clusterId));
