import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { cancelOrder } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";

/** Cancels a running provisioning order; its workflow compensates everything done so far. */
export const cancelOrderProcedure = tenantProcedure
  .meta({ scopes: ["orders:write"] })
  .input(z.strictObject({ orderId: idSchema("order") }))
  .mutation(({ ctx, input }) => cancelOrder(ctx.deps, ctx.tenant.id, input.orderId));
