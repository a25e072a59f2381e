import { createServer, type Server } from "node:http";

export interface HealthServerOptions {
  port: number;
  host?: string;
  /** Readiness: true while the process does its work (a stopping process answers 503). */
  ready: () => boolean;
  /** Extra fields for the readiness answer (e.g. the worker's state). */
  details?: () => Record<string, unknown>;
}

/**
 * `/healthz` (the process answers) and `/readyz` (it is doing its work) for the processes that
 * serve no HTTP of their own: what the container HEALTHCHECK and Kubernetes' probes ask.
 */
export function startHealthServer(opts: HealthServerOptions): Server {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const answer = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (path === "/healthz") return answer(200, { ok: true });
    if (path === "/readyz") {
      const ok = opts.ready();
      return answer(ok ? 200 : 503, { ok, ...opts.details?.() });
    }
    return answer(404, { ok: false });
  });
  server.listen(opts.port, opts.host ?? "0.0.0.0");
  return server;
}
