import { DomainError, isId, type TenantId } from "@platforma/contracts";

/** Every tenant object lives under this prefix; nothing else addresses tenant objects (DESIGN §10). */
export const TENANT_OBJECT_ROOT = "tenants";
const MAX_KEY_LENGTH = 900;
// C0 controls, DEL and C1 controls: invisible in logs and meaningful to some filesystems and proxies.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

function refuse(key: string, why: string): never {
  throw new DomainError("invalid_input", `invalid object key: ${why}`, { key: key.slice(0, 200) });
}

/** `tenants/<tenant_id>/` — the tenant's whole prefix. */
export function tenantPrefix(tenantId: TenantId): string {
  if (!isId("tenant", tenantId)) refuse(String(tenantId), "not a tenant id");
  return `${TENANT_OBJECT_ROOT}/${tenantId}/`;
}

/**
 * Validates a key relative to the tenant's prefix. A key can neither climb out of the prefix
 * (`..`, `.`, absolute, backslash) nor name another tenant's prefix, and carries no control
 * characters. `allowPartial` accepts a listing prefix: empty, or ending in `/` or mid-segment.
 */
export function validateRelativeKey(key: string, opts: { allowPartial?: boolean } = {}): string {
  if (typeof key !== "string") refuse(String(key), "not a string");
  if (key === "") {
    if (opts.allowPartial) return key;
    refuse(key, "empty");
  }
  if (key.length > MAX_KEY_LENGTH) refuse(key, "too long");
  if (CONTROL_CHARS.test(key)) refuse(key, "control character");
  if (key.includes("\\")) refuse(key, "backslash");
  if (key.startsWith("/")) refuse(key, "leading slash");
  if (!opts.allowPartial && key.endsWith("/")) refuse(key, "trailing slash");
  const segments = key.split("/");
  const last = segments.length - 1;
  segments.forEach((segment, i) => {
    if (segment === "." || segment === "..") refuse(key, "dot segment");
    // A trailing empty segment is a directory-style listing prefix; an empty one inside is `//`.
    if (segment === "" && !(opts.allowPartial && i === last)) refuse(key, "empty segment");
  });
  if (segments[0] === TENANT_OBJECT_ROOT || isId("tenant", segments[0])) {
    refuse(key, "keys are relative to the tenant's prefix and never name a tenant");
  }
  return key;
}

/** The full key of a tenant object: `tenants/<tenant_id>/<key>`, validated. */
export function tenantObjectKey(tenantId: TenantId, key: string): string {
  return tenantPrefix(tenantId) + validateRelativeKey(key);
}
