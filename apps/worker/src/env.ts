import { z } from "zod";
import { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS } from "@platforma/contracts";
import { envFields, loadEnv as load } from "@platforma/config";
import type { ObjectStoreConfig } from "@platforma/storage";

/** `name=value,name=value` into a record, each value parsed by `value`. */
const opList = <V extends z.ZodType>(value: V) =>
  z
    .string()
    .default("")
    .transform((text, ctx) => {
      const out: Record<string, z.infer<V>> = {};
      for (const pair of text.split(",").filter(Boolean)) {
        const [op, raw] = pair.split("=");
        const parsed = value.safeParse(raw);
        if (!op || !parsed.success) {
          ctx.addIssue({ code: "custom", message: `expected op=value, got "${pair}"` });
          return z.NEVER;
        }
        out[op.trim()] = parsed.data;
      }
      return out;
    });

const envSchema = z
  .object({
    DATABASE_URL: envFields.postgresUrl,
    DATABASE_SYSTEM_URL: envFields.postgresUrl,
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    TEMPORAL_ADDRESS: z.string().default("127.0.0.1:7233"),
    TEMPORAL_NAMESPACE: z.string().default("default"),
    TEMPORAL_TASK_QUEUE: z.string().default("platforma"),
    /** Simulated provider: added latency per operation, for demos. */
    PROVIDER_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    /** Simulated provider, for demos: `op=ms,…` extra latency per operation, e.g. `allocateNodes=3000`. */
    PROVIDER_STEP_LATENCY_MS: opList(z.coerce.number().int().min(0).max(600_000)),
    /** Simulated provider, for demos: `op=error|capacity,…`, e.g. `createVlan=capacity`. */
    PROVIDER_FAILURES: opList(z.enum(["error", "capacity"])),
    /** How often the quota reconciler recounts usage; 0 disables the schedule. */
    QUOTA_RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(600),
    HEALTH_PORT: envFields.port.optional(),
    LOG_LEVEL: envFields.logLevel,
    /** Days a deleted tenant's data is kept before the purge, unless the tenant overrides it. */
    TENANT_RETENTION_DAYS: z.coerce
      .number()
      .int()
      .min(0)
      .max(MAX_RETENTION_DAYS)
      .default(DEFAULT_RETENTION_DAYS),
    /** Tenant objects (archives): `filesystem` under STORAGE_DIR, or `s3`. */
    STORAGE_DRIVER: z.enum(["filesystem", "s3"]).default("filesystem"),
    STORAGE_DIR: z.string().min(1).default(".local/data/objects"),
    S3_ENDPOINT: z.url().optional(),
    S3_REGION: z.string().min(1).default("us-east-1"),
    S3_BUCKET: z.string().min(3).optional(),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
  })
  .refine((e) => e.STORAGE_DRIVER !== "s3" || e.S3_BUCKET, {
    message: "STORAGE_DRIVER=s3 needs S3_BUCKET",
    path: ["S3_BUCKET"],
  });

export type WorkerEnv = z.infer<typeof envSchema>;

export const loadEnv = (source: NodeJS.ProcessEnv = process.env): WorkerEnv =>
  load("worker", envSchema, source);

/** The object store the environment selects. */
export function objectStoreConfig(env: WorkerEnv): ObjectStoreConfig {
  if (env.STORAGE_DRIVER === "filesystem") return { driver: "filesystem", dir: env.STORAGE_DIR };
  return {
    driver: "s3",
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    bucket: env.S3_BUCKET ?? "",
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  };
}
