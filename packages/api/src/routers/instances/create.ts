import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { createInstance } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { idempotencyKey, resourceName } from "../schemas.ts";

export const createInstanceProcedure = tenantProcedure
  .meta({ scopes: ["orders:write", "infrastructure:manage"] })
  .input(
    z.strictObject({
      clusterId: idSchema("cluster"),
      name: resourceName,
      cpuCores: z.number().int().min(1).max(512),
      memoryGb: z.number().int().min(1).max(16_384),
      idempotencyKey: idempotencyKey.optional(),
    }),
  )
  .mutation(({ ctx, input }) => createInstance(ctx.deps, ctx.tenant.id, input));
