import { listOrders } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { pageInput } from "../schemas.ts";

export const listOrdersProcedure = tenantProcedure
  .meta({ scopes: ["orders:read"] })
  .input(pageInput.default({ limit: 50 }))
  .query(({ ctx, input }) => listOrders(ctx.deps.db, ctx.tenant.id, input));
