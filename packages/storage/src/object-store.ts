import type { TenantId } from "@platforma/contracts";
import { tenantObjectKey, tenantPrefix, validateRelativeKey } from "./object-key.ts";

/**
 * A driver addresses raw keys of one bucket or directory. Only `createTenantObjectStore` calls it,
 * and only with keys it built under a tenant's prefix.
 */
export interface ObjectDriver {
  readonly name: string;
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** The object's bytes, or null if there is none. */
  get(key: string): Promise<Uint8Array | null>;
  /** Every key starting with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Deletes the given keys (missing ones are fine). */
  delete(keys: string[]): Promise<void>;
}

/** Tenant objects (archives, exports). Keys are relative to `tenants/<tenant_id>/`. */
export interface TenantObjectStore {
  readonly driver: string;
  put(tenantId: TenantId, key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  get(tenantId: TenantId, key: string): Promise<Uint8Array | null>;
  /** Keys (relative to the tenant's prefix) that start with `prefix`; all of them without one. */
  list(tenantId: TenantId, prefix?: string): Promise<string[]>;
  /** Deletes every object whose key starts with `prefix` (the whole tenant without one); returns how many. */
  deletePrefix(tenantId: TenantId, prefix?: string, onProgress?: (deleted: number) => void): Promise<number>;
}

/** Objects per delete call: S3's DeleteObjects limit. */
const DELETE_BATCH = 1000;

export function createTenantObjectStore(driver: ObjectDriver): TenantObjectStore {
  async function list(tenantId: TenantId, prefix = ""): Promise<string[]> {
    const root = tenantPrefix(tenantId);
    const keys = await driver.list(root + validateRelativeKey(prefix, { allowPartial: true }));
    return keys.map((k) => k.slice(root.length));
  }
  return {
    driver: driver.name,
    async put(tenantId, key, body, contentType = "application/octet-stream") {
      const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
      await driver.put(tenantObjectKey(tenantId, key), bytes, contentType);
    },
    get: async (tenantId, key) => driver.get(tenantObjectKey(tenantId, key)),
    list,
    async deletePrefix(tenantId, prefix = "", onProgress) {
      const root = tenantPrefix(tenantId);
      const keys = (await list(tenantId, prefix)).map((k) => root + k);
      let deleted = 0;
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const batch = keys.slice(i, i + DELETE_BATCH);
        await driver.delete(batch);
        deleted += batch.length;
        onProgress?.(deleted);
      }
      return deleted;
    },
  };
}
