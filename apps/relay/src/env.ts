import { z } from "zod";
import { envFields, loadEnv as load, shutdownGraceField } from "@platforma/config";

const envSchema = z.object({
  DATABASE_SYSTEM_URL: envFields.postgresUrl,
  KAFKA_BROKERS: envFields.kafkaBrokers,
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  RELAY_MAX_BATCH_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(512 * 1024),
  RELAY_PARTITIONS_PER_BATCH: z.coerce.number().int().min(1).max(16).default(4),
  RELAY_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  RELAY_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(200),
  // Topics the relay creates; omitted: the broker's defaults (3 and 2 on a production cluster).
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).optional(),
  KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).optional(),
  /** Published events are kept this long in the outbox (subscription resumes reach back this far); 0 keeps them forever. */
  OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(0).default(168),
  OUTBOX_PRUNE_INTERVAL_SECONDS: z.coerce.number().int().min(10).default(3600),
  /** `/healthz` and `/readyz` for probes; unset, none. */
  HEALTH_PORT: envFields.port.optional(),
  /** On SIGTERM, how long the batch in flight may take before the process exits anyway. */
  SHUTDOWN_GRACE_MS: shutdownGraceField,
  LOG_LEVEL: envFields.logLevel,
});

export type RelayEnv = z.infer<typeof envSchema>;

export const loadEnv = (source: NodeJS.ProcessEnv = process.env): RelayEnv =>
  load("relay", envSchema, source);
