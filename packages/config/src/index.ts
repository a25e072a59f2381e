import { z } from "zod";

/** Field schemas shared by the apps' env schemas, so the same variable means the same thing everywhere. */
export const envFields = {
  // One host, or libpq's list of them (`h1:5432,h2:5432`, a primary and its standbys): each must parse.
  postgresUrl: z
    .string()
    .refine(
      (value) =>
        postgresHostUrls(value).every((url) => z.url({ protocol: /^postgres(ql)?$/ }).safeParse(url).success),
      {
        message: "expected a postgres:// URL (one host, or a comma-separated list of hosts)",
      },
    ),
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

/** A URL per host of a libpq multi-host URI (the others unchanged). */
function postgresHostUrls(value: string): string[] {
  const match = /^([a-z]+:\/\/)([^/?#]*)(.*)$/i.exec(value);
  if (!match) return [value];
  const [, scheme = "", authority = "", rest = ""] = match;
  const at = authority.lastIndexOf("@");
  const hosts = authority.slice(at + 1).split(",");
  return hosts.map((host) => `${scheme}${authority.slice(0, at + 1)}${host}${rest}`);
}

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
