import { sql } from "drizzle-orm";
import { bigserial, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { TenantId } from "@platforma/contracts";
import { tenantIdColumn, tenantPolicy } from "./tenant-table.ts";

/**
 * Transactional outbox: written in the same transaction as the change it announces, published by
 * the relay (system handle) and then marked. The relay selects by `published_at IS NULL`, never by
 * "id greater than the last one seen", so a transaction that commits late is not skipped.
 */
export const outbox = pgTable(
  "outbox",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    id: text("id").notNull().unique(),
    tenantId: tenantIdColumn().$type<TenantId>(),
    topic: text("topic").notNull(),
    type: text("type").notNull(),
    data: jsonb("data").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    publishedAt: timestamp("published_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    index("outbox_tenant_id_seq_idx").on(t.tenantId, t.seq),
    index("outbox_unpublished_idx")
      .on(t.seq)
      .where(sql`published_at IS NULL`),
    tenantPolicy(),
  ],
).enableRLS();
