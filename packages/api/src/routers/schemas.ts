import { z } from "zod";

/** Input building blocks shared by procedures. Objects are strict: unknown fields are an error. */
export const regionSchema = z.string().regex(/^[a-z]{2}-[a-z]+-\d{1,2}$/, "must look like eu-central-1");
export const pageInput = z.strictObject({
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
});
export const resourceName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "lowercase letters, digits and '-', at most 63 characters");
export const idempotencyKey = z.string().min(1).max(200);
