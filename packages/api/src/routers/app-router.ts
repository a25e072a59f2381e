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

/**
 * The procedure tree as plain nested records, so its type names no router root (and so no server
 * context): the client-facing `ClientRouter` is built from this, the server's `appRouter` below.
 */
export const appProcedures = {
  health: publicProcedure.query(() => ({ ok: true as const })),
  tenants: {
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
  },
  clusters: {
    create: createClusterProcedure,
    get: getClusterProcedure,
    list: listClustersProcedure,
    delete: deleteClusterProcedure,
  },
  networks: {
    get: getNetworkProcedure,
    list: listNetworksProcedure,
    updateFirewallRules: updateFirewallRulesProcedure,
  },
  instances: {
    create: createInstanceProcedure,
    get: getInstanceProcedure,
    list: listInstancesProcedure,
    delete: deleteInstanceProcedure,
  },
  storage: {
    create: createStoragePoolProcedure,
    list: listStoragePoolsProcedure,
    delete: deleteStoragePoolProcedure,
  },
  quotas: {
    get: getQuotasProcedure,
    check: checkQuotaProcedure,
  },
  orders: {
    get: getOrderProcedure,
    list: listOrdersProcedure,
    cancel: cancelOrderProcedure,
  },
  users: {
    invite: inviteUserProcedure,
    list: listUsersProcedure,
    get: getUserProcedure,
    updateRoles: updateUserRolesProcedure,
    remove: removeUserProcedure,
  },
  apiKeys: {
    create: createApiKeyProcedure,
    list: listApiKeysProcedure,
    revoke: revokeApiKeyProcedure,
  },
  events: {
    subscribe: subscribeEventsProcedure,
  },
};

export const appRouter = router(appProcedures);

export type AppRouter = typeof appRouter;
