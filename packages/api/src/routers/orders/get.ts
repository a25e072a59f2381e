import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { getOrder } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";

export const getOrderProcedure = tenantProcedure
  .meta({ scopes: ["orders:read"] })
  .input(z.strictObject({ orderId: idSchema("order") }))
  .query(({ ctx, input }) => getOrder(ctx.deps.db, ctx.tenant.id, input.orderId));
