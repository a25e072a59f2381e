import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { getNetwork } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";

export const getNetworkProcedure = tenantProcedure
  .meta({ scopes: ["infrastructure:read"] })
  .input(z.strictObject({ networkId: idSchema("network") }))
  .query(({ ctx, input }) => getNetwork(ctx.deps.db, ctx.tenant.id, input.networkId));
