import { idSchema } from "@platforma/contracts";
import { listStoragePools } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { pageInput } from "../schemas.ts";

export const listStoragePoolsProcedure = tenantProcedure
  .meta({ scopes: ["infrastructure:read"] })
  .input(pageInput.extend({ clusterId: idSchema("cluster").optional() }).default({ limit: 50 }))
  .query(({ ctx, input }) => listStoragePools(ctx.deps.db, ctx.tenant.id, input));
