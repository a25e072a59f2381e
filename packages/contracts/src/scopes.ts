/** Scopes in `resource:action` form (RFC 9068 `scope` claim values). */
export const SCOPES = [
  "orders:read",
  "orders:write",
  "infrastructure:read",
  "infrastructure:manage",
  "users:manage",
  "api_keys:manage",
  "quotas:read",
  "events:read",
  "platform:admin",
] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Scopes a tenant administrator holds by default; never includes `platform:admin`. */
export const TENANT_ADMIN_SCOPES: readonly Scope[] = SCOPES.filter((s) => s !== "platform:admin");
