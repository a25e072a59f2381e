import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { createStoragePool } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { idempotencyKey, resourceName } from "../schemas.ts";

export const createStoragePoolProcedure = tenantProcedure
  .meta({ scopes: ["orders:write", "infrastructure:manage"] })
  .input(
    z.strictObject({
      clusterId: idSchema("cluster"),
      name: resourceName,
      backend: z.enum(["ceph", "nvme"]),
      sizeTb: z.number().int().min(1).max(10_000),
      idempotencyKey: idempotencyKey.optional(),
    }),
  )
  .mutation(({ ctx, input }) => createStoragePool(ctx.deps, ctx.tenant.id, input));
