import { publicProcedure, router } from "../trpc.ts";
import { createClusterProcedure } from "./clusters/create.ts";
import { getClusterProcedure } from "./clusters/get.ts";
import { listClustersProcedure } from "./clusters/list.ts";
import { getOrderProcedure } from "./orders/get.ts";
import { listOrdersProcedure } from "./orders/list.ts";
import { createApiKeyProcedure } from "./api-keys/create.ts";
import { listApiKeysProcedure } from "./api-keys/list.ts";
import { revokeApiKeyProcedure } from "./api-keys/revoke.ts";
import { createTenantProcedure } from "./tenants/create.ts";
import { getTenantProcedure } from "./tenants/get.ts";
import { listTenantsProcedure } from "./tenants/list.ts";
import { getUserProcedure } from "./users/get.ts";
import { inviteUserProcedure } from "./users/invite.ts";
import { listUsersProcedure } from "./users/list.ts";
import { removeUserProcedure } from "./users/remove.ts";
import { updateUserRolesProcedure } from "./users/update-roles.ts";

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
});

export type AppRouter = typeof appRouter;
