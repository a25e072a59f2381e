import { z } from "zod";
import { transitionTenant } from "@platforma/domain";
import { operatorProcedure } from "../../trpc.ts";
import { tenantRef, transitionReason } from "./lifecycle-input.ts";

/** active → suspended: the tenant's credentials are refused from now on; data and compute stay. */
export const suspendTenantProcedure = operatorProcedure
  .meta({ scopes: ["platform:admin"] })
  .input(z.strictObject({ ...tenantRef, reason: transitionReason }))
  .mutation(({ ctx, input }) =>
    transitionTenant(ctx.deps, input.tenantId, {
      transition: "suspend",
      reason: input.reason,
      requestedBy: ctx.principal.userId,
    }),
  );
