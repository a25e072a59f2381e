import { z } from "zod";
import { QUOTA_NAMES, type QuotaName } from "@platforma/contracts";
import { text } from "../text-schema.ts";

export { text };

/** Input building blocks shared by procedures. Objects are strict: unknown fields are an error. */
export const regionSchema = z.string().regex(/^[a-z]{2}-[a-z]+-\d{1,2}$/, "must look like eu-central-1");
export const pageInput = z.strictObject({
  limit: z.number().int().min(1).max(200).default(50),
  cursor: text({ max: 512 }).optional(),
});
export const resourceName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "lowercase letters, digits and '-', at most 63 characters");
export const idempotencyKey = text({ min: 1, max: 200 });

/** Quota amounts: whole, non-negative, and bounded so arithmetic on them stays exact. */
export const quotaAmount = z.number().int().min(0).max(1_000_000_000);
export const quotaRequestInput = z.strictObject(
  Object.fromEntries(QUOTA_NAMES.map((q) => [q, quotaAmount.optional()])) as Record<
    QuotaName,
    z.ZodOptional<typeof quotaAmount>
  >,
);
/** Tenant-defined role names; at most 16 per user, duplicates dropped (first occurrence kept). */
export const rolesInput = z
  .array(z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, "a lowercase letter, then up to 31 of [a-z0-9_-]"))
  .max(16)
  .transform((roles) => [...new Set(roles)]);
