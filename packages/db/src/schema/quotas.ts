import { bigint, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import type { QuotaName } from "@platforma/contracts";
import { tenantIdColumn, tenantPolicy, timestamps } from "./tenant-table.ts";

/**
 * One row per tenant and quota. Admission locks the rows it needs (in name order, so concurrent
 * admissions cannot deadlock) and raises `used` in the same transaction as the resource rows.
 */
export const tenantQuotas = pgTable(
  "tenant_quotas",
  {
    tenantId: tenantIdColumn(),
    quota: text("quota").$type<QuotaName>().notNull(),
    limit: bigint("limit", { mode: "number" }).notNull(),
    used: bigint("used", { mode: "number" }).notNull().default(0),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.quota] }), tenantPolicy()],
).enableRLS();
