import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { listTenantOrders } from "@platforma/domain";
import { operatorProcedure } from "../../trpc.ts";
import { pageInput } from "../schemas.ts";

/** A tenant's orders, newest first, as the tenant sees them through `orders.list` (support, stuck orders). */
export const listTenantOrdersProcedure = operatorProcedure
  .meta({ scopes: ["platform:admin"] })
  .input(z.strictObject({ tenantId: idSchema("tenant"), ...pageInput.shape }))
  .query(({ ctx, input }) =>
    listTenantOrders(ctx.deps, input.tenantId, { limit: input.limit, cursor: input.cursor }),
  );
