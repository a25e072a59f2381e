/**
 * Where the audit trail goes. Keys are tenant-prefixed paths (`tenants/<tenant_id>/…`); a put of an
 * existing key replaces it, which is what makes a redelivered event harmless. The platform's
 * object store (filesystem or S3) implements this; until it is wired in, the filesystem writer does.
 */
export interface ObjectWriter {
  put(key: string, body: string | Uint8Array): Promise<void>;
}
