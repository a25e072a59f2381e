import { importJWK, SignJWT } from "jose";
import { SCOPES, TENANT_ADMIN_SCOPES, type TenantId } from "@platforma/contracts";
import type { DevKeys } from "./dev-keys.ts";

export interface LocalTokenIssuer {
  issuer: string;
  audience: string;
}

export type LocalTokenSubject =
  { kind: "operator" } | { kind: "tenant"; tenantId: TenantId; userId?: string | undefined };

export interface LocalTokenOptions {
  /** Space-separated; default: every scope (operator) or the tenant admin's. */
  scopes?: string | undefined;
  roles?: string[] | undefined;
  ttlSeconds: number;
}

/** An access token signed by the local key set, as the local identity provider would issue it. */
export async function mintLocalToken(
  keys: DevKeys,
  issuer: LocalTokenIssuer,
  subject: LocalTokenSubject,
  opts: LocalTokenOptions,
): Promise<string> {
  const operator = subject.kind === "operator";
  const claims: Record<string, unknown> = {
    scope: opts.scopes ?? (operator ? SCOPES : TENANT_ADMIN_SCOPES).join(" "),
    roles: opts.roles ?? ["admin"],
  };
  if (subject.kind === "tenant") claims["tenant_id"] = subject.tenantId;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "EdDSA", kid: keys.privateJwk.kid ?? "dev", typ: "at+jwt" })
    .setSubject(subject.kind === "tenant" ? (subject.userId ?? "usr_dev") : "usr_operator")
    .setIssuer(issuer.issuer)
    .setAudience(issuer.audience)
    .setIssuedAt()
    .setExpirationTime(`${opts.ttlSeconds}s`)
    .sign(await importJWK(keys.privateJwk, "EdDSA"));
}
