import { z } from "zod";
import { transitionTenant } from "@platforma/domain";
import { operatorProcedure } from "../../trpc.ts";
import { tenantRef, transitionReason } from "./lifecycle-input.ts";

/**
 * active | suspended → archived: access stops at once; the export to object storage and the
 * release of compute follow in the tenant's workflow (`tenants.get` shows them as `transition`).
 */
export const archiveTenantProcedure = operatorProcedure
  .meta({ scopes: ["platform:admin"] })
  .input(z.strictObject({ ...tenantRef, reason: transitionReason.optional() }))
  .mutation(({ ctx, input }) =>
    transitionTenant(ctx.deps, input.tenantId, {
      transition: "archive",
      reason: input.reason,
      requestedBy: ctx.principal.userId,
    }),
  );
