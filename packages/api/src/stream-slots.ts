import { DomainError, type TenantId } from "@platforma/contracts";

export interface StreamLimits {
  perTenant: number;
  perCredential: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { perTenant: 100, perCredential: 20 };

export interface StreamSlots {
  /**
   * Takes a slot for one open event stream of the tenant and credential, or refuses with
   * `rate_limited` (429); the returned function gives it back (once, however often it is called).
   */
  acquire(tenantId: TenantId, credential: string): () => void;
}

/**
 * Open event streams per tenant and per credential, in this process. An open stream holds a
 * connection and a poll loop; without a cap one tenant can hold thousands and slow every other
 * tenant's requests. Per process, so a tenant may hold the cap on each API replica: bounded, and
 * with no shared state to keep consistent when a process dies with its streams.
 */
export function createStreamSlots(limits: StreamLimits): StreamSlots {
  const open = new Map<string, number>();
  const count = (key: string) => open.get(key) ?? 0;
  const change = (key: string, by: number) => {
    const next = count(key) + by;
    if (next > 0) open.set(key, next);
    else open.delete(key);
  };
  return {
    acquire(tenantId, credential) {
      const tenantKey = `tenant:${tenantId}`;
      const credentialKey = `credential:${tenantId}:${credential}`;
      if (count(credentialKey) >= limits.perCredential) {
        throw new DomainError("rate_limited", "too many open event streams for this credential", {
          limit: { streamsPerCredential: limits.perCredential },
          retryAfterSeconds: 5,
        });
      }
      if (count(tenantKey) >= limits.perTenant) {
        throw new DomainError("rate_limited", "too many open event streams for this tenant", {
          limit: { streamsPerTenant: limits.perTenant },
          retryAfterSeconds: 5,
        });
      }
      change(tenantKey, 1);
      change(credentialKey, 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        change(tenantKey, -1);
        change(credentialKey, -1);
      };
    },
  };
}
