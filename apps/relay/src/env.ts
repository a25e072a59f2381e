import { z } from "zod";

const brokerList = z
  .string()
  .transform((value) =>
    value
      .split(",")
      .map((broker) => broker.trim())
      .filter((broker) => broker.length > 0),
  )
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, "expected host:port")).min(1, "at least one broker"));

const envSchema = z.object({
  DATABASE_SYSTEM_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  KAFKA_BROKERS: brokerList,
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  RELAY_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(200),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type RelayEnv = z.infer<typeof envSchema>;

/** Parses the relay's environment once at boot; exits with a readable message when it is invalid. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): RelayEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    process.stderr.write(`relay: invalid environment\n${z.prettifyError(result.error)}\n`);
    process.exit(2);
  }
  return result.data;
}
