import { z } from "zod";
import { MAX_RETENTION_DAYS } from "@platforma/contracts";
import { transitionTenant } from "@platforma/domain";
import { operatorProcedure } from "../../trpc.ts";
import { tenantRef, transitionReason } from "./lifecycle-input.ts";

/**
 * active | suspended | archived → deleted: no access from now on; everything is purged once the
 * retention has passed (platform default 90 days, or `retentionDays` for this tenant).
 */
export const requestTenantDeletionProcedure = operatorProcedure
  .meta({ scopes: ["platform:admin"] })
  .input(
    z.strictObject({
      ...tenantRef,
      reason: transitionReason.optional(),
      retentionDays: z.number().int().min(0).max(MAX_RETENTION_DAYS).optional(),
    }),
  )
  .mutation(({ ctx, input }) =>
    transitionTenant(ctx.deps, input.tenantId, {
      transition: "requestDeletion",
      reason: input.reason,
      retentionDays: input.retentionDays,
      requestedBy: ctx.principal.userId,
    }),
  );
