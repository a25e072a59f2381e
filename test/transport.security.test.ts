import { Agent, METHODS } from "node:http";
import { connect } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "@platforma/api";
import { ERROR_REASONS, type ErrorReason, type TenantId } from "@platforma/contracts";
import { mapConcurrently, rawRequest, type RawAnswer } from "./raw-http.ts";
import { recordingStarter } from "./recording-starter.ts";
import { startStack, type TestStack } from "./stack.ts";

/*
 * Every procedure path, every method, a set of content types and malformed or oversized bodies
 * and inputs, sent as raw HTTP to the real server: no answer is a 500, and every error is the
 * API's envelope with a reason whose status is the one the response carries.
 */

type ProcedureType = "query" | "mutation" | "subscription";
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureType } }>,
).map(([path, procedure]) => ({ path, type: procedure._def.type }));

/** Whatever Node's own client will put on the wire (CONNECT opens a tunnel instead). */
const METHODS_SENT = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "TRACE",
  "QUERY",
  "PROPFIND",
  "SEARCH",
].filter((m) => METHODS.includes(m));
const BODYLESS = new Set(["GET", "HEAD", "TRACE"]);

const CONTENT_TYPES = [
  undefined,
  "application/json",
  "Application/JSON; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  "garbage",
];

const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
const BODIES: (string | Buffer | undefined)[] = [
  undefined,
  "",
  "{}",
  "{not json",
  JSON.stringify({ name: "a\u0000b", region: "\ud800", cursor: "\udfff", tenantId: "ten_\u0000" }),
  Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
  deep(5000),
  '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
];

/** Query inputs (`?input=`) for the bodyless methods. */
const QUERY_STRINGS = [
  "",
  "?input=%7Bnot",
  `?input=${encodeURIComponent(JSON.stringify({ cursor: "\u0000", limit: "\ud800" }))}`,
  `?input=${encodeURIComponent(JSON.stringify({ cursor: "x".repeat(8000) }))}`,
  "?batch=1&input=%7B%220%22%3Anull%7D",
  "?batch=1&input=garbage",
  "?input=%E0%A4%A",
];

const OVERSIZED = JSON.stringify({ name: "x".repeat(1024 * 1024 + 1) });

interface Sent {
  method: string;
  path: string;
  contentType?: string | undefined;
  body?: string | Buffer | undefined;
}

function describeSent(s: Sent): string {
  const body = s.body === undefined ? "-" : `${Buffer.byteLength(s.body)} bytes`;
  return `${s.method} ${s.path.slice(0, 120)} [${s.contentType ?? "no content-type"}] body ${body}`;
}

/** Why an answer breaks the contract, or null. */
function breach(sent: Sent, answer: RawAnswer): string | null {
  if (answer.status >= 500) return `answered ${answer.status}: ${answer.body.slice(0, 200)}`;
  if (answer.status < 400 || sent.method === "HEAD") return null;
  type Envelope = { error?: { data?: { reason?: unknown; httpStatus?: unknown } } };
  let parsed: Envelope | Envelope[];
  try {
    parsed = JSON.parse(answer.body) as Envelope | Envelope[];
  } catch {
    return `answered ${answer.status} with a body that is not JSON: ${answer.body.slice(0, 200)}`;
  }
  // A batch answers one envelope per call, each with its own status (the response's is theirs if
  // they agree, 207 otherwise).
  const batch = Array.isArray(parsed);
  const items: Envelope[] = Array.isArray(parsed) ? parsed : [parsed];
  for (const item of items) {
    if (batch && !item.error) continue;
    const reason = item.error?.data?.reason;
    if (typeof reason !== "string" || !Object.hasOwn(ERROR_REASONS, reason)) {
      return `answered ${answer.status} without a known reason: ${answer.body.slice(0, 200)}`;
    }
    const status = item.error?.data?.httpStatus;
    if (ERROR_REASONS[reason as ErrorReason] !== status || (!batch && status !== answer.status)) {
      return `answered ${answer.status} with reason ${reason} (${String(status)})`;
    }
  }
  if (answer.status === 405 && !answer.headers["allow"]) return "answered 405 without Allow";
  if ((answer.status === 429 || answer.status === 503) && !answer.headers["retry-after"]) {
    return `answered ${answer.status} without Retry-After`;
  }
  return null;
}

describe("no request of any shape answers 500, and every error carries a reason", () => {
  let stack: TestStack;
  let tenantId: TenantId;
  let tenantToken: string;
  let operatorToken: string;
  let before: Record<string, number> | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });

  async function written(id: TenantId) {
    const r = await stack.deps.systemDb.execute<Record<string, number>>(sql`
      select (select count(*)::int from users where tenant_id = ${id}) as users,
             (select count(*)::int from api_keys where tenant_id = ${id}) as api_keys,
             (select count(*)::int from orders where tenant_id = ${id}) as orders,
             (select count(*)::int from outbox where tenant_id = ${id}) as events`);
    return r.rows[0];
  }

  beforeAll(async () => {
    stack = await startStack({ workflows: recordingStarter() });
    ({ tenantId, token: tenantToken } = await stack.newTenant());
    operatorToken = await stack.signer.operatorToken();
    before = await written(tenantId);
  });
  afterAll(async () => {
    agent.destroy();
    await stack?.close();
  });

  const tokenFor = (path: string) => (path.startsWith("tenants.") ? operatorToken : tenantToken);

  async function sendAll(cases: Sent[]): Promise<string[]> {
    const breaches = await mapConcurrently(cases, 8, async (sent) => {
      const answer = await rawRequest(stack.url, {
        method: sent.method,
        path: sent.path,
        headers: {
          authorization: `Bearer ${tokenFor(sent.path.replace(/^\/trpc\//, "").split(/[?,]/)[0] ?? "")}`,
          ...(sent.contentType !== undefined ? { "content-type": sent.contentType } : {}),
        },
        ...(sent.body !== undefined ? { body: sent.body } : {}),
        agent,
      });
      const problem = breach(sent, answer);
      return problem ? `${describeSent(sent)}: ${problem}` : null;
    });
    return breaches.filter((b): b is string => b !== null);
  }

  it("finds the procedures", () => {
    expect(procedures.length).toBeGreaterThan(30);
    expect(new Set(procedures.map((p) => p.type))).toEqual(new Set(["query", "mutation", "subscription"]));
  });

  it("every method × content type × body or input, on every procedure path", async () => {
    const cases: Sent[] = [];
    for (const { path } of procedures) {
      for (const method of METHODS_SENT) {
        for (const contentType of CONTENT_TYPES) {
          if (BODYLESS.has(method)) {
            for (const query of QUERY_STRINGS)
              cases.push({ method, path: `/trpc/${path}${query}`, contentType });
          } else {
            // Past POST the gate refuses the method before reading the body: fewer bodies do.
            const bodies = method === "POST" ? BODIES : BODIES.slice(0, 4);
            for (const body of bodies) cases.push({ method, path: `/trpc/${path}`, contentType, body });
          }
        }
      }
    }
    expect(cases.length).toBeGreaterThan(10_000);
    const breaches = await sendAll(cases);
    expect(
      breaches.slice(0, 20),
      `${breaches.length} of ${cases.length} requests broke the contract`,
    ).toEqual([]);
  });

  it("oversized bodies, on every procedure path", async () => {
    const cases: Sent[] = procedures.flatMap(({ path }) => [
      { method: "POST", path: `/trpc/${path}`, contentType: "application/json", body: OVERSIZED },
      { method: "PUT", path: `/trpc/${path}`, contentType: "text/plain", body: OVERSIZED },
    ]);
    expect(await sendAll(cases)).toEqual([]);
  });

  it("batches: all queries, queries with a mutation, unknown and oversized paths", async () => {
    const queries = procedures.filter((p) => p.type === "query").map((p) => p.path);
    const mutation = procedures.find((p) => p.type === "mutation")?.path ?? "";
    const paths = [
      `${queries.join(",")}?batch=1`,
      `${queries.slice(0, 3).join(",")},${mutation}?batch=1&input=%7B%7D`,
      `${queries[0]},nope.nothing?batch=1`,
      `${Array.from({ length: 400 }, () => queries[0]).join(",")}?batch=1`,
    ];
    const cases: Sent[] = paths.flatMap((path) =>
      METHODS_SENT.map((method) => ({
        method,
        path: `/trpc/${path}`,
        contentType: "application/json",
        ...(BODYLESS.has(method) ? {} : { body: "{}" }),
      })),
    );
    expect(await sendAll(cases)).toEqual([]);
  });

  it("paths that are no route, and routes that are not procedures", async () => {
    const paths = [
      "/",
      "/trpc",
      "/trpc/",
      "/trpc/a/b",
      "/trpc/%00",
      "/trpc/%E0%A4%A",
      "/healthz",
      "/nope",
      "//trpc//x",
    ];
    const cases: Sent[] = paths.flatMap((path) =>
      METHODS_SENT.map((method) => ({
        method,
        path,
        contentType: "text/plain",
        ...(BODYLESS.has(method) ? {} : { body: "x" }),
      })),
    );
    expect(await sendAll(cases)).toEqual([]);
  });

  it("refusals of Node's HTTP parser are in the envelope too", async () => {
    const { port } = new URL(stack.url);
    const raw = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port: Number(port) }, () => socket.end(text));
        let data = "";
        socket.on("data", (chunk: Buffer) => (data += chunk.toString("latin1")));
        socket.on("end", () => resolve(data));
        socket.on("error", reject);
      });
    const requests = [
      `GET /trpc/clusters.list HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`,
      `GET /trpc/clusters.list?input=${"a".repeat(20_000)} HTTP/1.1\r\nhost: x\r\n\r\n`,
      "BREW /trpc/clusters.list HTTP/1.1\r\nhost: x\r\n\r\n",
      "GET /trpc/clusters.list HTTP/9.9\r\nhost: x\r\n\r\n",
      "GET\r\n\r\n",
      "OPTIONS * HTTP/1.1\r\nhost: x\r\n\r\n",
      "TRACE http://x/trpc/clusters.list HTTP/1.1\r\nhost: x\r\n\r\n",
      "GET /trpc/clusters.list HTTP/1.1\r\n\r\n",
      "POST /trpc/clusters.create HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n{}",
      "POST /trpc/clusters.create HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
    ];
    for (const request of requests) {
      const text = await raw(request);
      const [head = "", body = ""] = text.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      const problem = breach(
        { method: "GET", path: request.slice(0, 40) },
        { status, headers: { allow: "-", "retry-after": "-" }, body },
      );
      expect(problem, request.slice(0, 60)).toBeNull();
      expect(status).toBeGreaterThanOrEqual(400);
    }
  });

  it("wrote nothing for the tenant", async () => {
    expect(await written(tenantId)).toEqual(before);
  });
});
