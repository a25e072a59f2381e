import { request, type Agent } from "node:http";

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text; empty for `HEAD` and for an event stream (closed once its head arrives). */
  body: string;
}

export interface RawRequest {
  method: string;
  /** Path and query, e.g. `/trpc/clusters.list?input=…`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The local address to send from (any of 127.0.0.0/8), to be another client to the server. */
  localAddress?: string;
  agent?: Agent;
}

/**
 * One HTTP request as sent, through `node:http` rather than fetch: any method token (fetch refuses
 * `TRACE`), any content type, a body on any method, and a chosen source address.
 */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: {
          ...(req.body !== undefined ? { "content-length": String(Buffer.byteLength(req.body)) } : {}),
          ...req.headers,
        },
        ...(req.localAddress ? { localAddress: req.localAddress } : {}),
        ...(req.agent ? { agent: req.agent } : {}),
      },
      (res) => {
        const answer = { status: res.statusCode ?? 0, headers: res.headers };
        if (String(res.headers["content-type"] ?? "").startsWith("text/event-stream")) {
          res.destroy();
          resolve({ ...answer, body: "" });
          return;
        }
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ ...answer, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(req.body);
  });
}

/** Runs `task` over `items` with at most `concurrency` in flight, keeping the order of results. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
