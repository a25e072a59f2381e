import { createPlatformaClient, errorDataOf, TRPCClientError, type PlatformaClient } from "@platforma/client";
import { EXIT } from "./exit-codes.ts";

export interface ApiTarget {
  url: string;
  token: string;
  timeoutMs: number;
}

/** The typed client, one HTTP request per call (no batching: each failure is the command's own). */
export function connect(target: ApiTarget): PlatformaClient {
  return createPlatformaClient({
    url: target.url,
    token: target.token,
    batch: false,
    fetch: (input, init) =>
      globalThis.fetch(input, {
        ...init,
        signal: init?.signal
          ? AbortSignal.any([init.signal, AbortSignal.timeout(target.timeoutMs)])
          : AbortSignal.timeout(target.timeoutMs),
      }),
  });
}

export interface Failure {
  exitCode: number;
  lines: string[];
}

const describeValue = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/**
 * What a failed call tells the person or script that ran the command: the reason and its details
 * (exit 1) when the API answered, "unreachable" (exit 3) when nothing answered. Null for anything
 * else (a bug of the command itself).
 */
export function failureOf(err: unknown, url: string): Failure | null {
  if (!(err instanceof TRPCClientError)) return null;
  const data = errorDataOf(err);
  if (data) {
    // Input validation's message is the issues as JSON; they are listed one per line instead.
    const lines = [data.issues?.length ? `error: ${data.reason}` : `error: ${data.reason}: ${err.message}`];
    for (const v of data.violations ?? [])
      lines.push(`  ${v.quota}: limit ${v.limit}, used ${v.used}, requested ${v.requested}`);
    for (const i of data.issues ?? [])
      lines.push(`  ${i.path.length ? i.path.join(".") : "(input)"}: ${i.message}`);
    const missing = data["missing"];
    if (Array.isArray(missing)) lines.push(`  missing: ${missing.map(describeValue).join(" ")}`);
    if (typeof data.requestId === "string") lines.push(`  request id: ${data.requestId}`);
    return { exitCode: EXIT.apiError, lines };
  }
  // httpLink records the response it got; without one, the request never reached an API.
  const response = (err.meta as { response?: { status?: number } } | undefined)?.response;
  if (response) {
    return {
      exitCode: EXIT.apiError,
      lines: [
        `error: unexpected answer from ${url} (HTTP ${response.status ?? "?"}): is this the PLATFORMA API?`,
      ],
    };
  }
  return { exitCode: EXIT.unreachable, lines: [`error: the API at ${url} is unreachable: ${causeOf(err)}`] };
}

function causeOf(err: Error): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === "string" ? `${current.message} (${code})` : current.message);
    current = current.cause;
  }
  return [...new Set(parts)].join(": ");
}
