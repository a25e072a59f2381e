import { z } from "zod";
import { transitionTenant } from "@platforma/domain";
import { operatorProcedure } from "../../trpc.ts";
import { tenantRef } from "./lifecycle-input.ts";

/** archived → active. Released compute is not re-provisioned; the data rows were kept. */
export const restoreTenantProcedure = operatorProcedure
  .meta({ scopes: ["platform:admin"] })
  .input(z.strictObject(tenantRef))
  .mutation(({ ctx, input }) =>
    transitionTenant(ctx.deps, input.tenantId, { transition: "restore", requestedBy: ctx.principal.userId }),
  );
