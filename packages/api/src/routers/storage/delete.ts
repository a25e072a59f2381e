import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { deleteResource } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";

/** Deprovisions through an order; the pool's terabytes come back when the order completes. */
export const deleteStoragePoolProcedure = tenantProcedure
  .meta({ scopes: ["orders:write", "infrastructure:manage"] })
  .input(z.strictObject({ storagePoolId: idSchema("storagePool") }))
  .mutation(({ ctx, input }) => deleteResource(ctx.deps, ctx.tenant.id, "storagePool", input.storagePoolId));
