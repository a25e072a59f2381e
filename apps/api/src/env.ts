import { z } from "zod";
import { envFields, loadEnv as load, shutdownGraceField } from "@platforma/config";

const envSchema = z
  .object({
    HOST: z.string().default("127.0.0.1"),
    PORT: envFields.port.default(3000),
    DATABASE_URL: envFields.postgresUrl,
    DATABASE_SYSTEM_URL: envFields.postgresUrl,
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
    // A request waits at most this for a database connection, then answers 503 `unavailable`.
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    TEMPORAL_ADDRESS: z.string().default("127.0.0.1:7233"),
    TEMPORAL_NAMESPACE: z.string().default("default"),
    TEMPORAL_TASK_QUEUE: z.string().default("platforma"),
    // How long a lifecycle transition waits to be accepted by the tenant's workflow (a Temporal
    // that is away fails within this, as 503 `unavailable`), and then to be committed.
    TEMPORAL_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    TEMPORAL_TRANSITION_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
    AUTH_ISSUER: z.string().default("https://auth.platforma.local"),
    AUTH_AUDIENCE: z.string().default("platforma-api"),
    AUTH_JWKS_URL: z.url().optional(),
    AUTH_JWKS_FILE: z.string().optional(),
    // RFC 9068 §4: only tokens typed `at+jwt` are access tokens. Set to false only for an identity
    // provider that does not type its access tokens (an ID token of the same audience then passes).
    AUTH_REQUIRE_AT_JWT: z.stringbool().default(true),
    // DESIGN §4: a state change must reach every API process within a second.
    TENANT_STATE_CACHE_MS: z.coerce.number().int().min(0).max(1000).default(500),
    // How often an event subscription looks for the tenant's new events: its latency, and its cost.
    EVENTS_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(10_000).default(500),
    // How often the order starter looks for committed orders whose workflow start is still owed
    // (Temporal was away, or a process died between commit and start): how fast they heal.
    ORDER_STARTER_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
    // Refused credentials per client address, and per API-key id, in one window before further
    // attempts answer 429 `rate_limited`. An address is often shared (NAT, a proxy), a key id is not.
    AUTH_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(50),
    AUTH_FAILURES_PER_API_KEY: z.coerce.number().int().min(1).max(100_000).default(10),
    AUTH_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    // Behind a proxy, whose `X-Forwarded-For` names the client: `true` (any), or its addresses or
    // CIDRs, comma-separated. Unset, the socket's peer is the client, and every caller behind the
    // proxy would share one address's failure budget.
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v === "" || v === "false" ? undefined : v === "true" ? true : v)),
    // Each tenant's requests per second and burst (a token bucket shared by every API process),
    // unless the operator set the tenant's own (`tenants.updateRequestRate`). 0 turns limiting off.
    RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).max(100_000).default(100),
    RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(300),
    // Orders one tenant may have open (pending or provisioning) at once, and open orders across
    // every tenant past which new orders are refused `overloaded` (back-pressure). 0 turns either off.
    MAX_ORDERS_IN_FLIGHT: z.coerce.number().int().min(0).max(1_000_000).default(200),
    ORDER_BACKLOG_BOUND: z.coerce.number().int().min(0).max(10_000_000).default(2000),
    // Open event streams (events.subscribe) per tenant and per credential, in each API process.
    EVENTS_STREAMS_PER_TENANT: z.coerce.number().int().min(1).max(100_000).default(100),
    EVENTS_STREAMS_PER_CREDENTIAL: z.coerce.number().int().min(1).max(100_000).default(20),
    // After SIGTERM, how long requests in flight may take before their connections are closed.
    SHUTDOWN_GRACE_MS: shutdownGraceField,
    LOG_LEVEL: envFields.logLevel,
  })
  .refine((e) => e.AUTH_JWKS_URL || e.AUTH_JWKS_FILE, {
    message: "set AUTH_JWKS_URL (identity provider) or AUTH_JWKS_FILE (local key set)",
    path: ["AUTH_JWKS_URL"],
  });

export type ApiEnv = z.infer<typeof envSchema>;

export const loadEnv = (source: NodeJS.ProcessEnv = process.env): ApiEnv => load("api", envSchema, source);
