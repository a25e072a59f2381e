import { z } from "zod";
import { transitionTenant } from "@platforma/domain";
import { operatorProcedure } from "../../trpc.ts";
import { tenantRef } from "./lifecycle-input.ts";

/** suspended → active. */
export const resumeTenantProcedure = operatorProcedure
  .meta({ scopes: ["platform:admin"] })
  .input(z.strictObject(tenantRef))
  .mutation(({ ctx, input }) =>
    transitionTenant(ctx.deps, input.tenantId, { transition: "resume", requestedBy: ctx.principal.userId }),
  );
