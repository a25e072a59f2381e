import { z } from "zod";
import { createCluster } from "@platforma/domain";
import { tenantProcedure } from "../../trpc.ts";
import { firewallRulesSchema, privateCidrSchema } from "../networks/network-schemas.ts";
import { idempotencyKey, regionSchema, resourceName } from "../schemas.ts";

export const createClusterProcedure = tenantProcedure
  .meta({ scopes: ["orders:write", "infrastructure:manage"] })
  .input(
    z.strictObject({
      name: resourceName,
      region: regionSchema,
      placement: z.enum(["shared", "dedicated"]).default("shared"),
      dedicated: z
        .strictObject({
          nodes: z.number().int().min(1).max(64),
          network: z
            .strictObject({
              cidr: privateCidrSchema.default("10.0.0.0/16"),
              firewallRules: firewallRulesSchema.default([]),
            })
            .default({ cidr: "10.0.0.0/16", firewallRules: [] }),
          storage: z.strictObject({
            backend: z.enum(["ceph", "nvme"]),
            sizeTb: z.number().int().min(1).max(10_000),
          }),
        })
        .optional(),
      idempotencyKey: idempotencyKey.optional(),
    }),
  )
  .mutation(({ ctx, input }) => createCluster(ctx.deps, ctx.tenant, input));
