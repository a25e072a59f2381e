import type { ApiKeyId, Scope } from "@platforma/contracts";
import type { apiKeys } from "@platforma/db";

/** `expired` keys still count against `max_api_keys` until they are revoked. */
export type ApiKeyStatus = "active" | "expired" | "revoked";

/** What the API says about a key. Never the secret or its hash. */
export interface ApiKeyDto {
  id: ApiKeyId;
  name: string;
  scopes: Scope[];
  status: ApiKeyStatus;
  createdBy: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export function apiKeyStatus(
  row: { revokedAt: Date | null; expiresAt: Date | null },
  now = new Date(),
): ApiKeyStatus {
  if (row.revokedAt) return "revoked";
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

export function toApiKeyDto(row: typeof apiKeys.$inferSelect, now = new Date()): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    status: apiKeyStatus(row, now),
    createdBy: row.createdBy,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
