import { z } from "zod";
import { envFields, loadEnv as load } from "@platforma/config";

const envSchema = z.object({
  DATABASE_SYSTEM_URL: envFields.postgresUrl,
  KAFKA_BROKERS: envFields.kafkaBrokers,
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  RELAY_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(200),
  LOG_LEVEL: envFields.logLevel,
});

export type RelayEnv = z.infer<typeof envSchema>;

export const loadEnv = (source: NodeJS.ProcessEnv = process.env): RelayEnv =>
  load("relay", envSchema, source);
