import { randomBytes } from "node:crypto";
import { Agent } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "@platforma/contracts";
import { rawRequest } from "./raw-http.ts";
import { recordingStarter } from "./recording-starter.ts";
import { capturingLogger, startStack, type TestStack } from "./stack.ts";

/*
 * Refused credentials are throttled per client address (50 a minute) and per API-key id (10 a
 * minute), the API's defaults. Each client below sends from its own loopback address, so they
 * are different addresses to the server.
 */

const PER_KEY = 10;
const PER_ADDRESS = 50;

interface Answer {
  status: number;
  retryAfter: string | undefined;
  reason: string | undefined;
  message: string | undefined;
  retryAfterSeconds: unknown;
}

describe("failed credential attempts are throttled per key id and per client address", () => {
  let stack: TestStack;
  let apiKey: string;
  let tenantToken: string;
  const logger = capturingLogger();
  const agents = new Map<string, Agent>();

  beforeAll(async () => {
    stack = await startStack({ workflows: recordingStarter(), logger });
    const tenant = await stack.newTenant();
    tenantToken = tenant.token;
    ({ plaintextKey: apiKey } = await tenant.client.apiKeys.create.mutate({
      name: "ci",
      scopes: ["infrastructure:read"],
    }));
  });
  afterAll(async () => {
    for (const agent of agents.values()) agent.destroy();
    await stack?.close();
  });

  /** `clusters.list` with `token`, from `address`. */
  async function call(token: string, address: string): Promise<Answer> {
    let agent = agents.get(address);
    if (!agent) agents.set(address, (agent = new Agent({ keepAlive: true, localAddress: address })));
    const res = await rawRequest(stack.url, {
      method: "GET",
      path: "/trpc/clusters.list",
      headers: { authorization: `Bearer ${token}` },
      agent,
    });
    const data = (JSON.parse(res.body) as { error?: { message?: string; data?: Record<string, unknown> } })
      .error;
    const retryAfter = res.headers["retry-after"];
    return {
      status: res.status,
      retryAfter: typeof retryAfter === "string" ? retryAfter : undefined,
      reason: data?.data?.["reason"] as string | undefined,
      message: data?.message,
      retryAfterSeconds: data?.data?.["retryAfterSeconds"],
    };
  }

  const secret = () => randomBytes(32).toString("base64url");
  /** `pfa_<key id body>_`: the part of a key before its secret (which may itself hold `_`). */
  const idPart = (key: string) => key.slice(0, "pfa_".length + 20 + 1);
  /** The real key's id with another secret. */
  const wrongSecret = () => `${idPart(apiKey)}${secret()}`;
  /** A well-formed key whose id does not exist. */
  const unknownKey = () => `pfa_${newId("apiKey").slice(4)}_${secret()}`;

  async function attempts(n: number, token: () => string, address: string): Promise<Answer[]> {
    const answers: Answer[] = [];
    // One at a time: the count a refusal sees is then exactly the refusals before it.
    for (let i = 0; i < n; i++) answers.push(await call(token(), address));
    return answers;
  }

  /** What the client can see of an answer, minus the wait (it runs down between the two runs). */
  const seen = (a: Answer) => ({ status: a.status, reason: a.reason, message: a.message });

  let knownRun: Answer[] = [];

  it("2,000 wrong secrets for one key id: 401 up to the limit, then 429 with Retry-After", async () => {
    const refusedBefore = logger.lines.filter((l) => l.includes("api key refused")).length;
    knownRun = await attempts(2000, wrongSecret, "127.0.0.2");

    expect(knownRun.slice(0, PER_KEY).map(seen)).toEqual(
      Array.from({ length: PER_KEY }, () => ({
        status: 401,
        reason: "invalid_token",
        message: "invalid api key",
      })),
    );
    const throttled = knownRun.slice(PER_KEY);
    for (const answer of throttled) {
      expect(answer).toMatchObject({ status: 429, reason: "rate_limited" });
      const seconds = Number(answer.retryAfter);
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(60);
      expect(answer.retryAfterSeconds).toBe(seconds);
    }
    // Past the key id's limit the secret is still checked (its owner is not locked out); past the
    // address's, the guessing client is refused before any lookup.
    expect(new Set(throttled.slice(0, PER_ADDRESS - PER_KEY).map((a) => a.message))).toEqual(
      new Set(["too many refused attempts for this api key; retry later"]),
    );
    expect(new Set(throttled.slice(PER_ADDRESS - PER_KEY).map((a) => a.message))).toEqual(
      new Set(["too many refused credentials from this address; retry later"]),
    );
    // Not a log flood: each refusal up to the limit, then one line for reaching it.
    const refused = logger.lines.filter((l) => l.includes("api key refused")).length - refusedBefore;
    expect(refused).toBe(PER_KEY);
  });

  it("the key's correct secret from another address still works, as do other callers", async () => {
    expect(await call(apiKey, "127.0.0.3")).toMatchObject({ status: 200 });
    expect(await call(tenantToken, "127.0.0.3")).toMatchObject({ status: 200 });
    // The guessing address itself is refused before its credential is looked at, correct or not.
    expect(await call(apiKey, "127.0.0.2")).toMatchObject({ status: 429, reason: "rate_limited" });
  });

  it("unknown key ids are throttled the same way, with the same answers", async () => {
    const unknownId = idPart(unknownKey());
    const unknownRun = await attempts(2000, () => `${unknownId}${secret()}`, "127.0.0.4");
    expect(unknownRun.map(seen)).toEqual(knownRun.map(seen));
    expect(unknownRun.slice(PER_KEY).every((a) => a.status === 429 && a.retryAfter !== undefined)).toBe(true);
  });

  it("an address is throttled across key ids and kinds of credential", async () => {
    const answers = await attempts(PER_ADDRESS, unknownKey, "127.0.0.5");
    expect(answers.every((a) => a.status === 401)).toBe(true);
    expect(await call(unknownKey(), "127.0.0.5")).toMatchObject({ status: 429, reason: "rate_limited" });
    expect(await call("not-a-token", "127.0.0.5")).toMatchObject({ status: 429, reason: "rate_limited" });
    expect(await call(tenantToken, "127.0.0.5")).toMatchObject({ status: 429 });
    // Forged JWTs count against the address as API keys do.
    const jwts = await attempts(PER_ADDRESS + 1, () => "eyJhbGciOiJFZERTQSJ9.e30.c2ln", "127.0.0.6");
    expect(jwts.slice(0, PER_ADDRESS).every((a) => a.status === 401)).toBe(true);
    expect(jwts[PER_ADDRESS]).toMatchObject({ status: 429, reason: "rate_limited" });
  });

  it("successful requests are not counted", async () => {
    const ok = await attempts(PER_ADDRESS * 2, () => tenantToken, "127.0.0.7");
    expect(ok.every((a) => a.status === 200)).toBe(true);
    const refused = await attempts(PER_ADDRESS, unknownKey, "127.0.0.7");
    expect(refused.every((a) => a.status === 401)).toBe(true);
  });
});
