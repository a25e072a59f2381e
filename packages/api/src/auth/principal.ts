import type { Scope, TenantId, UserId } from "@platforma/contracts";

/** A verified caller. `tenantId` is null for platform operators that act across tenants. */
export interface Principal {
  userId: UserId | string;
  tenantId: TenantId | null;
  roles: string[];
  scopes: Scope[];
  via: "jwt" | "api_key";
}

export interface TokenVerifier {
  /** Resolves the principal of a bearer credential or throws `DomainError("invalid_token")`. */
  verify(token: string): Promise<Principal>;
}
