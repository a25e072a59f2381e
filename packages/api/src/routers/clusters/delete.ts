import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { deleteCluster } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";

/** Deprovisions the cluster and everything on it; asking twice returns the same order. */
export const deleteClusterProcedure = tenantProcedure
  .meta({ scopes: ["orders:write", "infrastructure:manage"] })
  .input(z.strictObject({ clusterId: idSchema("cluster") }))
  .mutation(({ ctx, input }) => deleteCluster(ctx.deps, ctx.tenant.id, input.clusterId));
