import { z } from "zod";
import { envFields, loadEnv as load } from "@platforma/config";

const envSchema = z.object({
  DATABASE_URL: envFields.postgresUrl,
  DATABASE_SYSTEM_URL: envFields.postgresUrl,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  TEMPORAL_ADDRESS: z.string().default("127.0.0.1:7233"),
  TEMPORAL_NAMESPACE: z.string().default("default"),
  TEMPORAL_TASK_QUEUE: z.string().default("platforma"),
  /** Simulated provider: added latency per operation, for demos. */
  PROVIDER_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** How often the quota reconciler recounts usage; 0 disables the schedule. */
  QUOTA_RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(600),
  HEALTH_PORT: envFields.port.optional(),
  LOG_LEVEL: envFields.logLevel,
});

export type WorkerEnv = z.infer<typeof envSchema>;

export const loadEnv = (source: NodeJS.ProcessEnv = process.env): WorkerEnv =>
  load("worker", envSchema, source);
