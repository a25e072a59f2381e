import { z } from "zod";
import { createCluster } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { idempotencyKey, regionSchema, resourceName } from "../schemas.ts";

export const createClusterProcedure = tenantProcedure
  .meta({ scopes: ["orders:write", "infrastructure:manage"] })
  .input(
    z.strictObject({
      name: resourceName,
      region: regionSchema,
      placement: z.enum(["shared", "dedicated"]).default("shared"),
      idempotencyKey: idempotencyKey.optional(),
    }),
  )
  .mutation(({ ctx, input }) => createCluster(ctx.deps, ctx.tenant, input));
