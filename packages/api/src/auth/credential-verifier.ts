import { API_KEY_TOKEN_PREFIX } from "@platforma/domain";
import type { TokenVerifier } from "./principal.ts";

/**
 * The bearer-credential entry point: `pfa_…` tokens are API keys, anything else is a JWT. A JWT
 * (base64url of `{"…`) never starts with the key prefix, so the routing is unambiguous.
 */
export function createCredentialVerifier(verifiers: {
  jwt: TokenVerifier;
  apiKey: TokenVerifier;
}): TokenVerifier {
  return {
    verify: (token) =>
      token.startsWith(API_KEY_TOKEN_PREFIX) ? verifiers.apiKey.verify(token) : verifiers.jwt.verify(token),
  };
}
