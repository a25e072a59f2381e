import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { clusters, queryText, selectedRow } from "@platforma/db";
import { clusterPageQuery, toClusterDto, toPage, type ClusterDto, type Page } from "@platforma/domain";
import { serveInChild } from "./serve-in-child.ts";

export interface BareServerConfig {
  databaseUrl: string;
  poolSize: number;
  /** Fixed per run: the baseline does no authentication, which is part of what it leaves out. */
  tenantId: string;
}

/**
 * `limit` from a tRPC GET input (`?input={"limit":50}`), bounded as the API's page input is; the
 * cursor is not read, since the benchmark asks for the first page only.
 */
function limitOf(url: string | undefined): number | null {
  const input = new URL(url ?? "/", "http://bare").searchParams.get("input");
  if (input === null) return 50;
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null || !("limit" in parsed)) return 50;
  const limit = parsed.limit;
  return typeof limit === "number" && Number.isInteger(limit) && limit >= 1 && limit <= 200 ? limit : null;
}

const renderedPages = new Map<number, { sql: string; params: unknown[] }>();

/** Rendered once per limit: building SQL text per request is drizzle's work, left out here. */
function pageSql(limit: number) {
  let rendered = renderedPages.get(limit);
  if (!rendered) {
    rendered = clusterPageQuery(queryText, { limit }).toSQL();
    renderedPages.set(limit, rendered);
  }
  return rendered;
}

/**
 * `listClusters` without drizzle's session, the API or the auth ladder: the same SQL (rendered
 * from the use case's own query, so it cannot drift), rows decoded by the same columns, the page
 * and DTOs made by the same `toPage` and `toClusterDto`. What is left out is what is measured.
 */
async function listClusters(pool: pg.Pool, tenantId: string, limit: number): Promise<Page<ClusterDto>> {
  const { sql, params } = pageSql(limit);
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('app.tenant_id', $1, true)", [tenantId]);
    const { rows } = await client.query<unknown[]>({ text: sql, values: params, rowMode: "array" });
    await client.query("commit");
    return toPage(
      rows.map((values) => selectedRow(clusters, values)),
      limit,
      toClusterDto,
    );
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** The least a server can do to answer the same request with the same JSON: node:http, pg, one transaction. */
serveInChild<BareServerConfig>(async (config) => {
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.poolSize,
    application_name: "platforma-bench-bare",
  });
  pool.on("error", () => {});

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const limit = limitOf(req.url);
    if (limit === null) return send(res, 400, { error: { message: "invalid input" } });
    send(res, 200, { result: { data: await listClusters(pool, config.tenantId, limit) } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      process.stderr.write(`bare handler failed: ${String(err)}\n`);
      if (!res.headersSent) send(res, 500, { error: { message: "internal error" } });
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await pool.end();
    },
  };
});
