import { z } from "zod";
import { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS } from "@platforma/contracts";
import {
  envFields,
  loadEnv as load,
  shutdownGraceField,
  storageEnvFields,
  storageEnvIsComplete,
} from "@platforma/config";

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
    /** On SIGTERM, how long running activities may finish before they are cancelled. */
    SHUTDOWN_GRACE_MS: shutdownGraceField,
    /**
     * The workflow bundle built with the image (`bundle-workflows-cli.ts`); unset, the worker
     * bundles the workflow sources at start-up (development).
     */
    WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
    LOG_LEVEL: envFields.logLevel,
    /** Days a deleted tenant's data is kept before the purge, unless the tenant overrides it. */
    TENANT_RETENTION_DAYS: z.coerce
      .number()
      .int()
      .min(0)
      .max(MAX_RETENTION_DAYS)
      .default(DEFAULT_RETENTION_DAYS),
    /** Tenant objects (archives). */
    ...storageEnvFields,
  })
  .refine(...storageEnvIsComplete);

export type WorkerEnv = z.infer<typeof envSchema>;

export const loadEnv = (source: NodeJS.ProcessEnv = process.env): WorkerEnv =>
  load("worker", envSchema, source);

export { objectStoreConfig } from "@platforma/config";
