import { publicProcedure, router } from "../trpc.ts";
import { createClusterProcedure } from "./clusters/create.ts";
import { getClusterProcedure } from "./clusters/get.ts";
import { listClustersProcedure } from "./clusters/list.ts";
import { deleteClusterProcedure } from "./clusters/delete.ts";
import { cancelOrderProcedure } from "./orders/cancel.ts";
import { getNetworkProcedure } from "./networks/get.ts";
import { listNetworksProcedure } from "./networks/list.ts";
import { updateFirewallRulesProcedure } from "./networks/update-firewall-rules.ts";
import { getOrderProcedure } from "./orders/get.ts";
import { listOrdersProcedure } from "./orders/list.ts";
import { createApiKeyProcedure } from "./api-keys/create.ts";
import { listApiKeysProcedure } from "./api-keys/list.ts";
import { revokeApiKeyProcedure } from "./api-keys/revoke.ts";
import { createTenantProcedure } from "./tenants/create.ts";
import { getTenantProcedure } from "./tenants/get.ts";
import { updateTenantQuotasProcedure } from "./tenants/update-quotas.ts";
import { updateTenantRequestRateProcedure } from "./tenants/update-request-rate.ts";
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
import { listTenantOrdersProcedure } from "./tenants/list-orders.ts";
import { getUserProcedure } from "./users/get.ts";
import { inviteUserProcedure } from "./users/invite.ts";
import { listUsersProcedure } from "./users/list.ts";
import { removeUserProcedure } from "./users/remove.ts";
import { updateUserRolesProcedure } from "./users/update-roles.ts";
import { suspendTenantProcedure } from "./tenants/suspend.ts";
import { resumeTenantProcedure } from "./tenants/resume.ts";
import { archiveTenantProcedure } from "./tenants/archive.ts";
import { restoreTenantProcedure } from "./tenants/restore.ts";
import { requestTenantDeletionProcedure } from "./tenants/request-deletion.ts";
import { cancelTenantDeletionProcedure } from "./tenants/cancel-deletion.ts";
import { subscribeEventsProcedure } from "./events/subscribe.ts";

export const appRouter = router({
  health: publicProcedure.query(() => ({ ok: true as const })),
  tenants: router({
    create: createTenantProcedure,
    get: getTenantProcedure,
    list: listTenantsProcedure,
    updateQuotas: updateTenantQuotasProcedure,
    updateRequestRate: updateTenantRequestRateProcedure,
    suspend: suspendTenantProcedure,
    resume: resumeTenantProcedure,
    archive: archiveTenantProcedure,
    restore: restoreTenantProcedure,
    requestDeletion: requestTenantDeletionProcedure,
    cancelDeletion: cancelTenantDeletionProcedure,
    listOrders: listTenantOrdersProcedure,
  }),
  clusters: router({
    create: createClusterProcedure,
    get: getClusterProcedure,
    list: listClustersProcedure,
    delete: deleteClusterProcedure,
  }),
  networks: router({
    get: getNetworkProcedure,
    list: listNetworksProcedure,
    updateFirewallRules: updateFirewallRulesProcedure,
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
    cancel: cancelOrderProcedure,
  }),
  users: router({
    invite: inviteUserProcedure,
    list: listUsersProcedure,
    get: getUserProcedure,
    updateRoles: updateUserRolesProcedure,
    remove: removeUserProcedure,
  }),
  apiKeys: router({
    create: createApiKeyProcedure,
    list: listApiKeysProcedure,
    revoke: revokeApiKeyProcedure,
  }),
  events: router({
    subscribe: subscribeEventsProcedure,
  }),
});

export type AppRouter = typeof appRouter;
