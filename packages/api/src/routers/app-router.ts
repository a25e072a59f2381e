import { publicProcedure, router } from "../trpc.ts";
import { createClusterProcedure } from "./clusters/create.ts";
import { getClusterProcedure } from "./clusters/get.ts";
import { listClustersProcedure } from "./clusters/list.ts";
import { getOrderProcedure } from "./orders/get.ts";
import { listOrdersProcedure } from "./orders/list.ts";
import { createTenantProcedure } from "./tenants/create.ts";
import { getTenantProcedure } from "./tenants/get.ts";
import { updateTenantQuotasProcedure } from "./tenants/update-quotas.ts";
import { createInstanceProcedure } from "./instances/create.ts";
import { deleteInstanceProcedure } from "./instances/delete.ts";
import { getInstanceProcedure } from "./instances/get.ts";
import { listInstancesProcedure } from "./instances/list.ts";
import { createStoragePoolProcedure } from "./storage/create.ts";
import { deleteStoragePoolProcedure } from "./storage/delete.ts";
import { listStoragePoolsProcedure } from "./storage/list.ts";
import { checkQuotaProcedure } from "./quotas/check.ts";
import { getQuotasProcedure } from "./quotas/get.ts";
import { listTenantsProcedure } from "./tenants/list.ts";
import { suspendTenantProcedure } from "./tenants/suspend.ts";
import { resumeTenantProcedure } from "./tenants/resume.ts";
import { archiveTenantProcedure } from "./tenants/archive.ts";
import { restoreTenantProcedure } from "./tenants/restore.ts";
import { requestTenantDeletionProcedure } from "./tenants/request-deletion.ts";
import { cancelTenantDeletionProcedure } from "./tenants/cancel-deletion.ts";

export const appRouter = router({
  health: publicProcedure.query(() => ({ ok: true as const })),
  tenants: router({
    create: createTenantProcedure,
    get: getTenantProcedure,
    list: listTenantsProcedure,
    updateQuotas: updateTenantQuotasProcedure,
    suspend: suspendTenantProcedure,
    resume: resumeTenantProcedure,
    archive: archiveTenantProcedure,
    restore: restoreTenantProcedure,
    requestDeletion: requestTenantDeletionProcedure,
    cancelDeletion: cancelTenantDeletionProcedure,
  }),
  clusters: router({
    create: createClusterProcedure,
    get: getClusterProcedure,
    list: listClustersProcedure,
  }),
  instances: router({
    create: createInstanceProcedure,
    get: getInstanceProcedure,
    list: listInstancesProcedure,
    delete: deleteInstanceProcedure,
  }),
  storage: router({
    create: createStoragePoolProcedure,
    list: listStoragePoolsProcedure,
    delete: deleteStoragePoolProcedure,
  }),
  quotas: router({
    get: getQuotasProcedure,
    check: checkQuotaProcedure,
  }),
  orders: router({
    get: getOrderProcedure,
    list: listOrdersProcedure,
  }),
});

export type AppRouter = typeof appRouter;
