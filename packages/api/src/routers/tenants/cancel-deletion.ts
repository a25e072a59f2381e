import { z } from "zod";
import { transitionTenant } from "@platforma/domain";
import { operatorProcedure } from "../../trpc.ts";
import { tenantRef } from "./lifecycle-input.ts";

/** deleted (purge pending) → the state the deletion was requested from. Refused once the purge started. */
export const cancelTenantDeletionProcedure = operatorProcedure
  .meta({ scopes: ["platform:admin"] })
  .input(z.strictObject(tenantRef))
  .mutation(({ ctx, input }) =>
    transitionTenant(ctx.deps, input.tenantId, {
      transition: "cancelDeletion",
      requestedBy: ctx.principal.userId,
    }),
  );
