import { z } from "zod";
import {
  envFields,
  loadEnv as load,
  shutdownGraceField,
  storageEnvFields,
  storageEnvIsComplete,
} from "@platforma/config";

const envSchema = z
  .object({
    KAFKA_BROKERS: envFields.kafkaBrokers,
    AUDIT_GROUP_ID: z.string().min(1).default("platforma-audit"),
    ...storageEnvFields,
    /** `/healthz` and `/readyz` for probes; unset, none. */
    HEALTH_PORT: envFields.port.optional(),
    /** On SIGTERM, how long the work in flight may take before the process exits anyway. */
    SHUTDOWN_GRACE_MS: shutdownGraceField,
    LOG_LEVEL: envFields.logLevel,
  })
  .refine(...storageEnvIsComplete);

export type AuditEnv = z.infer<typeof envSchema>;

export const loadEnv = (source: NodeJS.ProcessEnv = process.env): AuditEnv =>
  load("audit", envSchema, source);
