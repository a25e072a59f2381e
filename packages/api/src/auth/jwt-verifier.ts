import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet } from "jose";
import { z } from "zod";
import { DomainError, idSchema, isScope, type Scope } from "@platforma/contracts";
import type { Principal, TokenVerifier } from "./principal.ts";

/** Asymmetric algorithms only: `none` and HMAC (key-confusion) are never accepted. */
export const ALLOWED_JWT_ALGORITHMS = ["EdDSA", "ES256", "RS256"];

export interface JwtVerifierOptions {
  issuer: string;
  audience: string;
  keys: { jwksUrl: string } | { jwks: JSONWebKeySet };
  /** Allowed clock skew for exp/nbf/iat. */
  clockToleranceSec?: number;
}

const claimsSchema = z.object({
  sub: z.string().min(1).max(256),
  tenant_id: idSchema("tenant").optional(),
  roles: z.array(z.string().max(64)).max(64).default([]),
  /** RFC 9068: space-separated. */
  scope: z.string().max(4096).optional(),
  /** Also accepted: an array. */
  scopes: z.array(z.string().max(128)).max(128).optional(),
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
  return {
    async verify(token) {
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, keySet, {
          algorithms: ALLOWED_JWT_ALGORITHMS,
          issuer: opts.issuer,
          audience: opts.audience,
          clockTolerance: opts.clockToleranceSec ?? 30,
          requiredClaims: ["exp", "sub"],
        }));
      } catch (err) {
        const detail = err instanceof errors.JOSEError ? err.code : "ERR_JWT_INVALID";
        throw new DomainError("invalid_token", "invalid token", { detail }, { cause: err });
      }
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) {
        throw new DomainError("invalid_token", "invalid token claims", { detail: "ERR_JWT_CLAIMS_INVALID" });
      }
      const principal: Principal = {
        userId: claims.data.sub,
        tenantId: claims.data.tenant_id ?? null,
        roles: claims.data.roles,
        scopes: scopesOf(claims.data),
        via: "jwt",
      };
      return principal;
    },
  };
}
