import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * One HTTP address in front of several API processes, as a load balancer is: each request goes to
 * the next backend in turn (per request, not per connection, so a keep-alive client still spreads
 * its calls). Counts what each backend served.
 */
export interface RoundRobinProxy {
  url: string;
  /** Requests forwarded to each backend, by backend URL. */
  readonly served: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

export async function startRoundRobinProxy(backends: readonly string[]): Promise<RoundRobinProxy> {
  const served = new Map(backends.map((b) => [b, 0]));
  let next = 0;
  const server: Server = createServer((req, res) => {
    const backend = backends[next++ % backends.length] as string;
    served.set(backend, (served.get(backend) ?? 0) + 1);
    const target = new URL(backend);
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
