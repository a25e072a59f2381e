import { and, eq, isNull } from "drizzle-orm";
import { DomainError, type ApiKeyId, type TenantContext } from "@platforma/contracts";
import { apiKeys, withTenant, type AppDb } from "@platforma/db";
import { appendEvent } from "@platforma/events";
import { releaseQuota } from "../quotas/admit-quota.ts";
import { API_KEY_QUOTA } from "./create-api-key.ts";
import { toApiKeyDto, type ApiKeyDto } from "./api-key-dto.ts";

/**
 * Revokes a key: refused from the next request on (key rows are never cached). Idempotent: only
 * the call that flips `revoked_at` releases `max_api_keys` and writes `api_key.revoked`; a
 * concurrent revocation waits on the row lock and then finds it already revoked.
 */
export async function revokeApiKey(db: AppDb, ctx: TenantContext, keyId: ApiKeyId): Promise<ApiKeyDto> {
  return withTenant(db, ctx.tenantId, async (tx) => {
    const now = new Date();
    const [revoked] = await tx
      .update(apiKeys)
      .set({ revokedAt: now, updatedAt: now })
      .where(and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
      .returning();
    if (revoked) {
      await releaseQuota(tx, ctx.tenantId, API_KEY_QUOTA);
      await appendEvent(tx, ctx.tenantId, "api_key.revoked.v1", { keyId, revokedBy: ctx.userId });
      return toApiKeyDto(revoked, now);
    }
    const [existing] = await tx.select().from(apiKeys).where(eq(apiKeys.id, keyId));
    if (!existing) throw new DomainError("not_found", `api key ${keyId} not found`);
    return toApiKeyDto(existing, now);
  });
}
