import type { Scope } from "./scopes.ts";
import type { TenantId, UserId } from "./ids.ts";

export const TENANT_STATES = ["active", "suspended", "archived", "deleted"] as const;
export type TenantState = (typeof TENANT_STATES)[number];

/** Who is calling, derived only from a verified credential. */
export interface TenantContext {
  tenantId: TenantId;
  userId: UserId | string;
  roles: string[];
  scopes: Scope[];
}
