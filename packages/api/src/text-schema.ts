import { z } from "zod";

/**
 * A string Postgres can store: well-formed Unicode (no lone UTF-16 surrogate, which `jsonb` refuses)
 * without NUL characters (which `text` refuses). Every string of every input (and of token claims)
 * is built from `text`, so hostile input is a 400 at the edge, never a failed statement inside;
 * a test walks every procedure's input schema to hold new fields to it.
 */
export function text(opts: { max: number; min?: number; trim?: boolean }) {
  const base = opts.trim ? z.string().trim() : z.string();
  return base
    .min(opts.min ?? 0)
    .max(opts.max)
    .refine((s) => !s.includes("\u0000") && s.isWellFormed(), {
      message: "must be well-formed Unicode without NUL characters",
    });
}
