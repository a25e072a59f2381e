import { publicProcedure, router } from "../trpc.ts";
import { createClusterProcedure } from "./clusters/create.ts";
import { getClusterProcedure } from "./clusters/get.ts";
import { listClustersProcedure } from "./clusters/list.ts";
import { getOrderProcedure } from "./orders/get.ts";
import { listOrdersProcedure } from "./orders/list.ts";
import { createTenantProcedure } from "./tenants/create.ts";
import { getTenantProcedure } from "./tenants/get.ts";
import { listTenantsProcedure } from "./tenants/list.ts";

export const appRouter = router({
  health: publicProcedure.query(() => ({ ok: true as const })),
  tenants: router({
    create: createTenantProcedure,
    get: getTenantProcedure,
    list: listTenantsProcedure,
  }),
  clusters: router({
    create: createClusterProcedure,
    get: getClusterProcedure,
    list: listClustersProcedure,
  }),
  orders: router({
    get: getOrderProcedure,
    list: listOrdersProcedure,
  }),
});

export type AppRouter = typeof appRouter;
