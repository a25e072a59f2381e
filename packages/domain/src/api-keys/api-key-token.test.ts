import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newId } from "@platforma/contracts";
import { hashApiKeySecret, mintApiKeyToken, parseApiKeyToken, secretMatchesHash } from "./api-key-token.ts";

describe("API key tokens", () => {
  it("mints pfa_<id body>_<43-char base64url secret> and stores only the secret's SHA-256", () => {
    const id = newId("apiKey");
    const { token, secretHash } = mintApiKeyToken(id);
    expect(token).toMatch(/^pfa_[0-9a-z]{20}_[A-Za-z0-9_-]{43}$/);
    expect(token.slice(4, 24)).toBe(id.slice(4));
    const secret = token.slice(25);
    expect(Buffer.from(secret, "base64url")).toHaveLength(32);
    expect(secretHash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(secretHash).not.toContain(secret);
  });

  it("parses what it mints, back to the key id and secret", () => {
    const id = newId("apiKey");
    const { token, secretHash } = mintApiKeyToken(id);
    const parsed = parseApiKeyToken(token);
    expect(parsed?.keyId).toBe(id);
    expect(secretMatchesHash(parsed?.secret ?? "", secretHash)).toBe(true);
  });

  it("mints a different secret every time", () => {
    const id = newId("apiKey");
    expect(mintApiKeyToken(id).token).not.toBe(mintApiKeyToken(id).token);
  });

  it.each([
    "",
    "pfa_",
    "pfa_aaaaaaaaaaaaaaaaaaaa_",
    // `i`, `l`, `o` and `u` are not in the id alphabet.
    `pfa_iiiiiiiiiiiiiiiiiiii_${"A".repeat(43)}`,
    `pfa_aaaaaaaaaaaaaaaaaaaa_${"A".repeat(42)}`,
    `pfa_aaaaaaaaaaaaaaaaaaaa_${"A".repeat(44)}`,
    `pfa_aaaaaaaaaaaaaaaaaaaa_${"A".repeat(42)}=`,
    `pfa_aaaaaaaaaaaaaaaaaaaa_${"A".repeat(42)}+`,
    `PFA_aaaaaaaaaaaaaaaaaaaa_${"A".repeat(43)}`,
    ` pfa_aaaaaaaaaaaaaaaaaaaa_${"A".repeat(43)}`,
    `pfa_aaaaaaaaaaaaaaaaaaaa_${"A".repeat(43)}\n`,
    `key_aaaaaaaaaaaaaaaaaaaa_${"A".repeat(43)}`,
  ])("refuses the malformed token %j", (token) => {
    expect(parseApiKeyToken(token)).toBeNull();
  });

  it("compares secrets against the stored hash, and refuses a malformed stored hash", () => {
    expect(secretMatchesHash("s", hashApiKeySecret("s"))).toBe(true);
    expect(secretMatchesHash("t", hashApiKeySecret("s"))).toBe(false);
    expect(secretMatchesHash("s", "")).toBe(false);
    expect(secretMatchesHash("s", "zz")).toBe(false);
  });
});
