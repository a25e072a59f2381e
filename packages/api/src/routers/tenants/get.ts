import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { getTenantDetails } from "@platforma/domain";
import { operatorProcedure } from "../../trpc.ts";

/** The tenant with its state, reason, pending purge date and the lifecycle transition in progress. */
export const getTenantProcedure = operatorProcedure
  .meta({ scopes: ["platform:admin"] })
  .input(z.strictObject({ tenantId: idSchema("tenant") }))
  .query(({ ctx, input }) => getTenantDetails(ctx.deps, input.tenantId));
