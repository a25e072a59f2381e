// Mints access tokens for the local stack from the dev signing key.
//   node apps/api/src/cli/token.ts --operator
//   node apps/api/src/cli/token.ts --tenant ten_… [--scopes "orders:read orders:write"] [--ttl 3600]
import { parseArgs } from "node:util";
import { importJWK, SignJWT } from "jose";
import { SCOPES, TENANT_ADMIN_SCOPES } from "@platforma/contracts";
import { ensureDevKeys } from "../dev-keys.ts";

const { values } = parseArgs({
  options: {
    operator: { type: "boolean", default: false },
    tenant: { type: "string" },
    user: { type: "string", default: "usr_dev" },
    scopes: { type: "string" },
    roles: { type: "string", default: "admin" },
    ttl: { type: "string", default: "3600" },
  },
});

if (!values.operator && !values.tenant) {
  process.stderr.write(
    "usage: token --operator | --tenant <ten_id> [--scopes '…'] [--roles '…'] [--ttl seconds]\n",
  );
  process.exit(2);
}

const keysDir =
  process.env["DEV_KEYS_DIR"] ?? new URL("../../../../.local/dev-keys", import.meta.url).pathname;
const { privateJwk } = await ensureDevKeys(keysDir);
const scopes = values.scopes ?? (values.operator ? SCOPES.join(" ") : TENANT_ADMIN_SCOPES.join(" "));
const claims: Record<string, unknown> = { scope: scopes, roles: values.roles.split(/[ ,]+/).filter(Boolean) };
if (values.tenant) claims["tenant_id"] = values.tenant;

const token = await new SignJWT(claims)
  .setProtectedHeader({ alg: "EdDSA", kid: privateJwk.kid ?? "dev", typ: "at+jwt" })
  .setSubject(values.operator ? "usr_operator" : values.user)
  .setIssuer(process.env["AUTH_ISSUER"] ?? "https://auth.platforma.local")
  .setAudience(process.env["AUTH_AUDIENCE"] ?? "platforma-api")
  .setIssuedAt()
  .setExpirationTime(`${Number(values.ttl)}s`)
  .sign(await importJWK(privateJwk, "EdDSA"));
process.stdout.write(`${token}\n`);
