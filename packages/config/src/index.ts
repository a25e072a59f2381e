import { z } from "zod";

/** Field schemas shared by the apps' env schemas, so the same variable means the same thing everywhere. */
export const envFields = {
  postgresUrl: z.url({ protocol: /^postgres(ql)?$/ }),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  port: z.coerce.number().int().min(0).max(65535),
  kafkaBrokers: z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((broker) => broker.trim())
        .filter((broker) => broker.length > 0),
    )
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, "expected host:port")).min(1, "at least one broker")),
};

/**
 * Parses a process's environment once, at boot. On failure it prints every problem at once and
 * exits, so a misconfigured process never half-starts.
 */
export function loadEnv<S extends z.ZodType>(
  service: string,
  schema: S,
  source: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse(source);
  if (!result.success) {
    process.stderr.write(`${service}: invalid environment\n${z.prettifyError(result.error)}\n`);
    process.exit(2);
  }
  return result.data;
}
export * from "./storage-env.ts";
export * from "./shutdown.ts";
export * from "./health-server.ts";
