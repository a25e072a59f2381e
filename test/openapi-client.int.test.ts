import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testEnv } from "./env.ts";
import { recordingStarter } from "./recording-starter.ts";
import { startStack, type TestStack } from "./stack.ts";

const run = promisify(execFile);

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ workflows: recordingStarter() });
});

afterAll(async () => {
  await stack?.close();
});

describe("a Python client that knows only the served OpenAPI document", () => {
  it("finds the document valid, and the live answers (successes, refusals, events) as it describes them", async () => {
    const { tenantId, token } = await stack.newTenant();
    const script = fileURLToPath(new URL("./openapi_client.py", import.meta.url));
    const outcome = await run(testEnv.python, [script], {
      env: {
        ...process.env,
        PLATFORMA_API_URL: stack.url,
        OPERATOR_TOKEN: await stack.signer.operatorToken(),
        TENANT_TOKEN: token,
        TENANT_ID: tenantId,
      },
      timeout: 90_000,
    }).catch((err: { code?: number; stdout?: string; stderr?: string }) => err);
    const output = `${outcome.stdout ?? ""}${outcome.stderr ?? ""}`;
    expect("code" in outcome ? outcome.code : 0, output).toBe(0);
    expect(output).toMatch(/^\d+ passed, 0 failed/m);
  }, 120_000);
});
