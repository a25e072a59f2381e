import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet } from "jose";
import { z } from "zod";
import { DomainError, idSchema, isScope, type Scope } from "@platforma/contracts";
import type { Principal, TokenVerifier } from "./principal.ts";
import { text } from "../text-schema.ts";
import { createVerifiedTokenCache, type VerifiedTokenCacheOptions } from "./verified-token-cache.ts";

/** Asymmetric algorithms only: `none` and HMAC (key-confusion) are never accepted. */
export const ALLOWED_JWT_ALGORITHMS = ["EdDSA", "ES256", "RS256"];

export interface JwtVerifierOptions {
  issuer: string;
  audience: string;
  keys: { jwksUrl: string } | { jwks: JSONWebKeySet };
  /** Allowed clock skew for exp/nbf/iat. */
  clockToleranceSec?: number;
  /**
   * Require the access-token type `at+jwt` (RFC 9068 §4), so an ID token of the same issuer and
   * audience is never an access token. Default on; turn off only for an identity provider that
   * does not type its access tokens.
   */
  requireAccessTokenType?: boolean;
  /**
   * Remember verified tokens (by their bytes, until `exp`) so a client repeating its token skips
   * the signature check; `false` verifies every request in full. Default on.
   */
  cache?: VerifiedTokenCacheOptions | false;
}

const claimsSchema = z.object({
  sub: text({ min: 1, max: 256 }),
  tenant_id: idSchema("tenant").optional(),
  roles: z
    .array(text({ max: 64 }))
    .max(64)
    .default([]),
  /** RFC 9068: space-separated. */
  scope: text({ max: 4096 }).optional(),
  /** Also accepted: an array. */
  scopes: z
    .array(text({ max: 128 }))
    .max(128)
    .optional(),
});

function scopesOf(claims: z.infer<typeof claimsSchema>): Scope[] {
  const raw = [...(claims.scope?.split(" ") ?? []), ...(claims.scopes ?? [])];
  // Scopes we do not know grant nothing; they are dropped rather than rejected so an identity
  // provider can issue tokens that also serve other audiences' scopes.
  return [...new Set(raw.filter(isScope))];
}

export function createJwtVerifier(opts: JwtVerifierOptions): TokenVerifier {
  const keySet =
    "jwksUrl" in opts.keys
      ? createRemoteJWKSet(new URL(opts.keys.jwksUrl))
      : createLocalJWKSet(opts.keys.jwks);
  const cache = opts.cache === false ? undefined : createVerifiedTokenCache(opts.cache);
  return {
    async verify(token) {
      const cached = cache?.get(token);
      if (cached) return cached;
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, keySet, {
          algorithms: ALLOWED_JWT_ALGORITHMS,
          issuer: opts.issuer,
          audience: opts.audience,
          clockTolerance: opts.clockToleranceSec ?? 30,
          requiredClaims: ["exp", "sub"],
          // jose compares case-insensitively and accepts the `application/` prefix.
          ...(opts.requireAccessTokenType === false ? {} : { typ: "at+jwt" }),
        }));
      } catch (err) {
        const detail = err instanceof errors.JOSEError ? err.code : "ERR_JWT_INVALID";
        throw new DomainError("invalid_token", "invalid token", { detail }, { cause: err });
      }
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) {
        throw new DomainError("invalid_token", "invalid token claims", { detail: "ERR_JWT_CLAIMS_INVALID" });
      }
      const scopes = scopesOf(claims.data);
      // Operators are tenant-less credentials: a tenant-bound token carrying the operator scope
      // would be a cross-tenant operator, so it is no credential at all.
      if (claims.data.tenant_id && scopes.includes("platform:admin")) {
        throw new DomainError("invalid_token", "a tenant credential cannot carry platform:admin", {
          detail: "ERR_JWT_CLAIMS_INVALID",
        });
      }
      const principal: Principal = {
        userId: claims.data.sub,
        tenantId: claims.data.tenant_id ?? null,
        roles: claims.data.roles,
        scopes,
        via: "jwt",
      };
      // `exp` is a required claim, checked by jwtVerify above.
      if (
        typeof payload === "object" &&
        payload !== null &&
        "exp" in payload &&
        typeof payload.exp === "number"
      ) {
        cache?.set(token, principal, payload.exp * 1000);
      }
      return principal;
    },
  };
}
