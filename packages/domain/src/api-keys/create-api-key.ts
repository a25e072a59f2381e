import { DomainError, newId, type QuotaRequest, type Scope, type TenantContext } from "@platforma/contracts";
import { apiKeys, withTenant, type AppDb } from "@platforma/db";
import { appendEvent } from "@platforma/events";
import { admitQuota } from "../quotas/admit-quota.ts";
import { recordingQuotaRejections } from "../quotas/record-rejection.ts";
import { mintApiKeyToken } from "./api-key-token.ts";
import { toApiKeyDto, type ApiKeyDto } from "./api-key-dto.ts";

export interface CreateApiKeyInput {
  name: string;
  scopes: Scope[];
  /** ISO 8601; absent means the key does not expire. */
  expiresAt?: string | undefined;
}

export const API_KEY_QUOTA: QuotaRequest = { max_api_keys: 1 };
/** 366 days, so "the same date next year" always fits. */
export const MAX_API_KEY_LIFETIME_MS = 366 * 24 * 60 * 60 * 1000;

const invalid = (path: string, message: string) =>
  new DomainError("invalid_input", message, { issues: [{ path: [path], message }] });

function expiryOf(expiresAt: string | undefined, now: Date): Date | null {
  if (expiresAt === undefined) return null;
  const at = new Date(expiresAt);
  if (Number.isNaN(at.getTime())) throw invalid("expiresAt", "must be an ISO 8601 date-time");
  if (at.getTime() <= now.getTime()) throw invalid("expiresAt", "must be in the future");
  if (at.getTime() - now.getTime() > MAX_API_KEY_LIFETIME_MS)
    throw invalid("expiresAt", "must be at most one year ahead");
  return at;
}

/**
 * Creates an API key carrying a subset of the caller's scopes: `max_api_keys` admission, the key
 * row (secret hash only) and `api_key.created` in one tenant transaction. The plaintext key is
 * returned here and nowhere else, ever.
 */
export async function createApiKey(
  db: AppDb,
  ctx: TenantContext,
  input: CreateApiKeyInput,
  now = new Date(),
): Promise<{ apiKey: ApiKeyDto; plaintextKey: string }> {
  const scopes = [...new Set(input.scopes)];
  // Operator power never travels on a tenant's long-lived credential.
  if (scopes.includes("platform:admin")) throw invalid("scopes", "platform:admin cannot be put on a key");
  const missing = scopes.filter((s) => !ctx.scopes.includes(s));
  if (missing.length > 0) {
    throw new DomainError(
      "missing_scope",
      `a key cannot carry scopes its creator lacks: ${missing.join(" ")}`,
      {
        missing,
      },
    );
  }
  const expiresAt = expiryOf(input.expiresAt, now);
  const id = newId("apiKey");
  const { token, secretHash } = mintApiKeyToken(id);

  return recordingQuotaRejections(db, ctx.tenantId, "apiKeys.create", () =>
    withTenant(db, ctx.tenantId, async (tx) => {
      await admitQuota(tx, ctx.tenantId, API_KEY_QUOTA);
      const [row] = await tx
        .insert(apiKeys)
        .values({
          id,
          tenantId: ctx.tenantId,
          name: input.name,
          secretHash,
          scopes,
          createdBy: ctx.userId,
          expiresAt,
        })
        .returning();
      if (!row) throw new Error("api key insert returned no row");
      await appendEvent(tx, ctx.tenantId, "api_key.created.v1", {
        keyId: id,
        name: row.name,
        scopes: row.scopes,
        expiresAt: row.expiresAt?.toISOString() ?? null,
        createdBy: ctx.userId,
      });
      return { apiKey: toApiKeyDto(row, now), plaintextKey: token };
    }),
  );
}
