import { index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { TenantId, UserId } from "@platforma/contracts";
import { tenantIdColumn, tenantPolicy, timestamps } from "./tenant-table.ts";

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey().$type<UserId>(),
    tenantId: tenantIdColumn().$type<TenantId>(),
    email: text("email").notNull(),
    displayName: text("display_name"),
    roles: text("roles").array().notNull().default([]),
    /** `invited` until the person first signs in through the identity provider. */
    status: text("status").$type<"invited" | "active">().notNull().default("invited"),
    invitedBy: text("invited_by"),
    ...timestamps,
  },
  (t) => [
    index("users_tenant_id_idx").on(t.tenantId),
    uniqueIndex("users_tenant_id_email_uq").on(t.tenantId, t.email),
    tenantPolicy(),
  ],
).enableRLS();
