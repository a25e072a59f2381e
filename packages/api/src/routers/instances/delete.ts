import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { deleteResource } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";

/** Deprovisions through an order; the instance's quota comes back when the order completes. */
export const deleteInstanceProcedure = tenantProcedure
  .meta({ scopes: ["orders:write", "infrastructure:manage"] })
  .input(z.strictObject({ instanceId: idSchema("instance") }))
  .mutation(({ ctx, input }) => deleteResource(ctx.deps, ctx.tenant.id, "instance", input.instanceId));
