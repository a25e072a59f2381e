import { fileURLToPath } from "node:url";
import { z } from "zod";
import { loadEnv as load } from "@platforma/config";

/** The checkout's `.local`, where the scripts keep tools, data and the local key set. */
const CHECKOUT_HOME = fileURLToPath(new URL("../../../.local", import.meta.url));

/** An empty variable counts as unset (`PLATFORMA_TOKEN= ./platforma …`). */
const optional = (schema: z.ZodString) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const envSchema = z
  .object({
    /** The API's base URL; `--url` wins. */
    PLATFORMA_URL: z.preprocess((v) => (v === "" ? undefined : v), z.url().default("http://127.0.0.1:3000")),
    /** A JWT or an API key; `--token` wins. */
    PLATFORMA_TOKEN: optional(z.string()),
    /**
     * How long one API call may take before the API counts as unreachable (exit 3). Above the
     * API's own wait for a lifecycle transition (30 s), so a slow transition answers with its reason.
     */
    PLATFORMA_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
    PLATFORMA_HOME: optional(z.string()),
    /** The local key set that `scripts/dev.sh` makes the API trust; default `$PLATFORMA_HOME/dev-keys`. */
    DEV_KEYS_DIR: optional(z.string()),
    AUTH_ISSUER: z.string().default("https://auth.platforma.local"),
    AUTH_AUDIENCE: z.string().default("platforma-api"),
  })
  .transform(({ PLATFORMA_HOME, DEV_KEYS_DIR, ...env }) => ({
    ...env,
    devKeysDir: DEV_KEYS_DIR ?? `${PLATFORMA_HOME ?? CHECKOUT_HOME}/dev-keys`,
  }));

export type CliEnv = z.infer<typeof envSchema>;

export const loadEnv = (source: NodeJS.ProcessEnv = process.env): CliEnv =>
  load("platforma", envSchema, source);
