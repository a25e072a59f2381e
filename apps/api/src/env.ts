import { z } from "zod";

const schema = z
  .object({
    HOST: z.string().default("127.0.0.1"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z.string().url(),
    DATABASE_SYSTEM_URL: z.string().url(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
    TEMPORAL_ADDRESS: z.string().default("127.0.0.1:7233"),
    TEMPORAL_NAMESPACE: z.string().default("default"),
    TEMPORAL_TASK_QUEUE: z.string().default("platforma"),
    AUTH_ISSUER: z.string().default("https://auth.platforma.local"),
    AUTH_AUDIENCE: z.string().default("platforma-api"),
    AUTH_JWKS_URL: z.string().url().optional(),
    AUTH_JWKS_FILE: z.string().optional(),
    TENANT_STATE_CACHE_MS: z.coerce.number().int().min(0).max(1000).default(500),
    LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  })
  .refine((e) => e.AUTH_JWKS_URL || e.AUTH_JWKS_FILE, {
    message: "set AUTH_JWKS_URL (identity provider) or AUTH_JWKS_FILE (local key set)",
    path: ["AUTH_JWKS_URL"],
  });

export type ApiEnv = z.infer<typeof schema>;

/** Parses the process environment once, at boot; exits with a readable message when it is wrong. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    process.stderr.write(`invalid configuration:\n${lines.join("\n")}\n`);
    process.exit(2);
  }
  return parsed.data;
}
