import { listUsers } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { pageInput } from "../schemas.ts";

export const listUsersProcedure = tenantProcedure
  .meta({ scopes: ["users:manage"] })
  .input(pageInput.default({ limit: 50 }))
  .query(({ ctx, input }) => listUsers(ctx.deps.db, ctx.tenant.id, input));
