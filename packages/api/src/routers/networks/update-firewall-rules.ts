import { z } from "zod";
import { idSchema } from "@platforma/contracts";
import { updateFirewallRules } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { idempotencyKey } from "../schemas.ts";
import { firewallRulesSchema } from "./network-schemas.ts";

/** Replaces the rule set; a workflow has the provider enforce it (`appliedVersion` catches up). */
export const updateFirewallRulesProcedure = tenantProcedure
  .meta({ scopes: ["infrastructure:manage"] })
  .input(
    z.strictObject({
      networkId: idSchema("network"),
      rules: firewallRulesSchema,
      idempotencyKey: idempotencyKey.optional(),
    }),
  )
  .mutation(({ ctx, input }) => updateFirewallRules(ctx.deps, ctx.tenant.id, input));
