import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { z } from "zod";
import {
  DEPENDENCIES,
  ERROR_REASONS,
  EVENT_CATALOGUE,
  SCOPES,
  type ErrorReason,
  type Scope,
} from "@platforma/contracts";
import packageJson from "../../package.json" with { type: "json" };
import { appRouter } from "../routers/app-router.ts";
import type { Meta } from "../trpc.ts";

/*
 * OpenAPI 3.1 for tRPC's own HTTP wire format, as the Fastify adapter serves it under /trpc.
 *
 * Generated here rather than by a library, because none describes what this API serves:
 * - `trpc-to-openapi` (and the tRPC 10 / zod 3 `trpc-openapi` it forked) serves and documents a
 *   second, REST-shaped API of its own, one route per procedure that opts in with
 *   `.meta({ openapi: { method, path } })`; tRPC's envelope and `?input=` encoding are not it.
 * - `@trpc/openapi` (alpha, peer `@trpc/server` pinned to 11.18.0) does describe the wire format,
 *   but from the TypeScript types, not the validators: branded ids come out as objects, input
 *   constraints (patterns, integers, bounds, strictness) are lost, the error `data` is closed to
 *   the details our errors carry, subscriptions are skipped, and there is no security or scope.
 * Inputs here come from the validators themselves (`z.toJSONSchema`, the input side, so defaulted
 * fields are optional); scopes from `.meta({ scopes })`; reasons and their statuses from the error
 * contract. Procedures declare no output validators, so response data is described as any JSON.
 */

type JsonSchema = Record<string, unknown>;
type ProcedureType = "query" | "mutation" | "subscription";

interface ProcedureDef {
  type: ProcedureType;
  inputs: unknown[];
  meta?: Meta;
}

/** The router as the generator reads it: a flat record of procedures by dotted path, and its SSE config. */
export interface DocumentedRouter {
  _def: {
    procedures: object;
    _config: { sse?: { ping?: { enabled?: boolean; intervalMs?: number }; maxDurationMs?: number } };
  };
}

const TRPC_PREFIX = "/trpc";
const ref = (kind: "schemas" | "responses", name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** The JSON Schema of a procedure's input as a caller sends it. */
function inputSchemaOf(path: string, inputs: unknown[]): { schema: JsonSchema; required: boolean } | null {
  if (inputs.length === 0) return null;
  const [input] = inputs;
  if (inputs.length > 1 || !(input instanceof z.ZodType)) {
    throw new Error(`${path}: the OpenAPI generator handles one zod input per procedure`);
  }
  const { $schema: _dialect, ...schema } = z.toJSONSchema(input, { io: "input" });
  // Local `$defs` refs would resolve against the OpenAPI document, not the schema: not supported yet.
  if ("$defs" in schema) throw new Error(`${path}: input schema has $defs (recursive or registered schemas)`);
  return { schema, required: !input.safeParse(undefined).success };
}

/** HTTP statuses of the error contract, each with the reasons that answer with it. */
function reasonsByStatus(): Map<number, ErrorReason[]> {
  const byStatus = new Map<number, ErrorReason[]>();
  for (const [reason, status] of Object.entries(ERROR_REASONS) as [ErrorReason, number][]) {
    byStatus.set(status, [...(byStatus.get(status) ?? []), reason]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

function errorSchemas(): Record<string, JsonSchema> {
  const trpcCodes = Object.keys(TRPC_ERROR_CODES_BY_KEY);
  const jsonRpcCodes = [...new Set(Object.values(TRPC_ERROR_CODES_BY_KEY))];
  return {
    ErrorReason: {
      type: "string",
      enum: Object.keys(ERROR_REASONS),
      description: "The stable error contract: clients branch on this. Each reason has one HTTP status.",
    },
    ErrorData: {
      type: "object",
      required: ["code", "httpStatus", "reason"],
      properties: {
        code: { type: "string", enum: trpcCodes, description: "tRPC's error code." },
        httpStatus: { type: "integer", description: "The response's HTTP status." },
        path: { type: "string", description: "The procedure called." },
        reason: ref("schemas", "ErrorReason"),
        issues: {
          type: "array",
          description: "On `invalid_input` from validation: what is wrong, by input path.",
          items: {
            type: "object",
            required: ["path", "message"],
            properties: {
              path: { type: "array", items: { type: ["string", "integer"] } },
              message: { type: "string" },
              code: { type: "string" },
            },
          },
        },
        missing: {
          type: "array",
          description: "On `missing_scope`: the scopes the credential lacks.",
          items: { type: "string", enum: [...SCOPES] },
        },
        violations: {
          type: "array",
          description: "On `quota_exceeded`: one per exceeded quota.",
          items: {
            type: "object",
            required: ["quota", "limit", "used", "requested"],
            properties: {
              quota: { type: "string" },
              limit: { type: "integer" },
              used: { type: "integer" },
              requested: { type: "integer" },
            },
          },
        },
        dependency: {
          type: "string",
          enum: [...DEPENDENCIES],
          description: "On `unavailable`: the dependency that failed.",
        },
        retryable: {
          type: "boolean",
          description: "On `unavailable`: the same request may succeed if sent again.",
        },
      },
      // Reasons carry details of their own (see the README's error table).
      additionalProperties: true,
    },
    ErrorShape: {
      type: "object",
      required: ["message", "code", "data"],
      properties: {
        message: { type: "string" },
        code: { type: "integer", enum: jsonRpcCodes, description: "The JSON-RPC 2.0 code of `data.code`." },
        data: ref("schemas", "ErrorData"),
      },
      additionalProperties: false,
    },
    ErrorEnvelope: {
      type: "object",
      required: ["error"],
      properties: { error: ref("schemas", "ErrorShape") },
      additionalProperties: false,
    },
  };
}

function errorResponses(byStatus: Map<number, ErrorReason[]>): Record<string, JsonSchema> {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, reasons] of byStatus) {
    responses[`Error${status}`] = {
      description: reasons.map((r) => `\`${r}\``).join(", "),
      ...(reasons.includes("unavailable")
        ? {
            headers: {
              "Retry-After": {
                description: "Seconds to wait before sending the request again.",
                required: true,
                schema: { type: "integer" },
              },
            },
          }
        : {}),
      content: {
        "application/json": {
          schema: {
            allOf: [
              ref("schemas", "ErrorEnvelope"),
              {
                properties: {
                  error: {
                    properties: {
                      data: { properties: { reason: { enum: reasons }, httpStatus: { const: status } } },
                    },
                  },
                },
              },
            ],
          },
        },
      },
    };
  }
  responses["Error"] = {
    description:
      "Any other refusal by tRPC itself, e.g. 405 for a mutation sent with GET (reason `invalid_input`).",
    content: { "application/json": { schema: ref("schemas", "ErrorEnvelope") } },
  };
  return responses;
}

/** What a subscription streams: one of the tenant's events, as `TenantEventOf` in the domain. */
function tenantEventSchema(): JsonSchema {
  return {
    oneOf: Object.entries(EVENT_CATALOGUE).map(([type, entry]) => {
      const { $schema: _dialect, ...data } = z.toJSONSchema(entry.data, { io: "input" });
      return {
        type: "object",
        required: ["id", "type", "time", "data"],
        properties: {
          id: { type: "string" },
          type: { const: type },
          time: { type: "string", format: "date-time" },
          data: { ...data, description: entry.description },
        },
      };
    }),
  };
}

function subscriptionDescription(config: DocumentedRouter["_def"]["_config"]): string {
  const ping = config.sse?.ping?.enabled ? config.sse.ping.intervalMs : undefined;
  const maxDuration = config.sse?.maxDurationMs;
  return [
    "Server-sent events. Every stream starts with `event: connected`. Each message (no `event:` line)",
    "has `id:` the event's id and `data:` a `TenantEvent` (components.schemas) as JSON.",
    ...(ping ? [`\`event: ping\` comes every ${ping / 1000} s while nothing else does.`] : []),
    "Every failure, a missing credential, a suspended tenant or input that is not JSON included, is",
    "`event: serialized-error` with `data:` an `ErrorShape` as JSON, and ends the stream: the HTTP",
    "status stays 200.",
    ...(maxDuration
      ? [
          `A stream lasts at most ${maxDuration / 60_000} minutes; then, or when the server shuts down, it ends`,
          "(with or without `event: return`): reconnect with `lastEventId` in the input, or a `Last-Event-ID`",
          "header, to resume after the last event received.",
        ]
      : []),
  ].join(" ");
}

function operationOf(
  path: string,
  def: ProcedureDef,
  statuses: readonly number[],
  config: DocumentedRouter["_def"]["_config"],
): [method: "get" | "post", operation: JsonSchema] {
  const scopes: Scope[] = def.meta?.scopes ?? [];
  const input = inputSchemaOf(path, def.inputs);
  // API keys never carry `platform:admin`: operator procedures take a JWT only.
  const security =
    scopes.length === 0
      ? []
      : [{ jwt: scopes }, ...(scopes.includes("platform:admin") ? [] : [{ apiKey: scopes }])];
  const access =
    scopes.length === 0
      ? "Public: no credential needed."
      : `Requires every one of these scopes: ${scopes.map((s) => `\`${s}\``).join(", ")}.`;
  const method = def.type === "mutation" ? "post" : "get";
  const errors = Object.fromEntries([
    ...statuses.map((status) => [String(status), ref("responses", `Error${status}`)]),
    ["default", ref("responses", "Error")],
  ]);
  const success =
    def.type === "subscription"
      ? {
          description: subscriptionDescription(config),
          content: { "text/event-stream": { schema: { type: "string" } } },
        }
      : ref("responses", "Result");
  return [
    method,
    {
      operationId: path,
      tags: [path.split(".")[0]],
      description: `tRPC ${def.type} \`${path}\`. ${access}`,
      "x-trpc-type": def.type,
      "x-scopes": scopes,
      security,
      ...(input && method === "get"
        ? {
            parameters: [
              {
                name: "input",
                in: "query",
                required: input.required,
                description: "The input as JSON, URL-encoded.",
                content: { "application/json": { schema: input.schema } },
              },
            ],
          }
        : {}),
      ...(input && method === "post"
        ? {
            requestBody: {
              required: input.required,
              content: { "application/json": { schema: input.schema } },
            },
          }
        : {}),
      // A subscription answers 200 whatever happens: every failure, even input that is not JSON, is in its stream.
      responses: def.type === "subscription" ? { "200": success } : { "200": success, ...errors },
    },
  ];
}

/** The OpenAPI 3.1 document of every procedure of `router` (by default the app's). */
export function buildOpenApiDocument(router: DocumentedRouter = appRouter): JsonSchema {
  const procedures = Object.entries(router._def.procedures as Record<string, { _def: ProcedureDef }>);
  const byStatus = reasonsByStatus();
  const statuses = [...byStatus.keys()];
  const paths: Record<string, JsonSchema> = {};
  for (const [path, procedure] of procedures) {
    const [method, operation] = operationOf(path, procedure._def, statuses, router._def._config);
    paths[`${TRPC_PREFIX}/${path}`] = { [method]: operation };
  }
  const tags = [...new Set(procedures.map(([path]) => path.split(".")[0]))].map((name) => ({ name }));
  return {
    openapi: "3.1.1",
    info: {
      title: "PLATFORMA API",
      version: packageJson.version,
      description: [
        "tRPC over HTTP, as served: one path per procedure under `/trpc`. Queries are",
        "`GET /trpc/<procedure>?input=<URL-encoded JSON>`, mutations `POST /trpc/<procedure>` with a JSON",
        "body, subscriptions `GET` answering server-sent events. Inputs are strict: unknown fields are",
        '`invalid_input`.\n\nA success is `{"result":{"data":…}}` with the procedure\'s return value (JSON,',
        "timestamps as ISO 8601 strings). A failure is",
        '`{"error":{"message","code","data":{"code","httpStatus","path","reason",…}}}` with the HTTP status',
        "of its `reason` (`ErrorReason`), the API's stable error contract.\n\nCredentials are",
        "`Authorization: Bearer <JWT or API key>`; each operation names the scopes it needs, all of them,",
        "in `security` and as `x-scopes`. tRPC's batching (`?batch=1`) works too and is not described here.",
      ].join(" "),
    },
    tags,
    paths,
    components: {
      securitySchemes: {
        jwt: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "An access token from the identity provider (EdDSA, ES256 or RS256): `sub`, `tenant_id` for tenant credentials, `roles`, `scope`.",
        },
        apiKey: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "pfa_<key id body>_<secret>",
          description: "An API key from `apiKeys.create`, carrying its own scopes (never `platform:admin`).",
        },
      },
      schemas: {
        Result: {
          type: "object",
          required: ["result"],
          properties: {
            result: {
              type: "object",
              required: ["data"],
              properties: {
                data: {
                  description: "The procedure's return value; procedures declare no output schema yet.",
                },
              },
              additionalProperties: false,
            },
          },
          additionalProperties: false,
        },
        ...errorSchemas(),
        TenantEvent: tenantEventSchema(),
      },
      responses: {
        Result: {
          description: "The procedure's result.",
          content: { "application/json": { schema: ref("schemas", "Result") } },
        },
        ...errorResponses(byStatus),
      },
    },
  };
}

/** The committed form of the document (`docs/openapi.json`): what `pnpm openapi` writes. */
export function renderOpenApiDocument(router?: DocumentedRouter): string {
  return `${JSON.stringify(buildOpenApiDocument(router), null, 2)}\n`;
}
