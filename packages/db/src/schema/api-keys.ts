import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { ApiKeyId, Scope, TenantId } from "@platforma/contracts";
import { tenantIdColumn, tenantPolicy, timestamps } from "./tenant-table.ts";

/**
 * API keys: opaque credentials shown once. Only a hash of the secret is stored; the key id in the
 * plaintext locates the row, and the hash is compared in constant time.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey().$type<ApiKeyId>(),
    tenantId: tenantIdColumn().$type<TenantId>(),
    name: text("name").notNull(),
    /** SHA-256 of the secret part, hex. Secrets are 256 random bits, so no slow hash is needed. */
    secretHash: text("secret_hash").notNull(),
    scopes: text("scopes").array().$type<Scope[]>().notNull(),
    createdBy: text("created_by").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [index("api_keys_tenant_id_created_at_idx").on(t.tenantId, t.createdAt), tenantPolicy()],
).enableRLS();
