import { describe, expect, it } from "vitest";
import { DomainError } from "@platforma/contracts";
import { createCredentialVerifier } from "./credential-verifier.ts";
import type { Principal, TokenVerifier } from "./principal.ts";

const principal = (via: Principal["via"]): Principal => ({
  userId: "u",
  tenantId: null,
  roles: [],
  scopes: [],
  via,
});

function recording(via: Principal["via"]): TokenVerifier & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    async verify(token) {
      seen.push(token);
      return principal(via);
    },
  };
}

describe("credential verifier", () => {
  it("routes pfa_ tokens to the API-key verifier and everything else to the JWT verifier", async () => {
    const jwt = recording("jwt");
    const apiKey = recording("api_key");
    const verifier = createCredentialVerifier({ jwt, apiKey });
    expect((await verifier.verify("pfa_abc")).via).toBe("api_key");
    expect((await verifier.verify("eyJhbGciOiJFZERTQSJ9.e30.sig")).via).toBe("jwt");
    expect((await verifier.verify("PFA_abc")).via).toBe("jwt");
    expect(apiKey.seen).toEqual(["pfa_abc"]);
    expect(jwt.seen).toEqual(["eyJhbGciOiJFZERTQSJ9.e30.sig", "PFA_abc"]);
  });

  it("passes refusals through unchanged", async () => {
    const refused = new DomainError("invalid_token", "invalid api key");
    const verifier = createCredentialVerifier({
      jwt: recording("jwt"),
      apiKey: { verify: () => Promise.reject(refused) },
    });
    await expect(verifier.verify("pfa_x")).rejects.toBe(refused);
  });
});
