import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { serveInChild } from "./serve-in-child.ts";

export interface BareServerConfig {
  databaseUrl: string;
  poolSize: number;
  /** Fixed per run: the baseline does no authentication, which is part of what it leaves out. */
  tenantId: string;
}

// Byte for byte what drizzle sends for listClusters' first page, so Postgres does the same work on
// both sides.
const LIST_SQL =
  'select "id", "tenant_id", "order_id", "name", "region", "placement", "state", "created_at", "updated_at" ' +
  'from "clusters" order by "clusters"."created_at" desc, "clusters"."id" desc limit $1';

interface ClusterRow {
  id: string;
  tenant_id: string;
  order_id: string;
  name: string;
  region: string;
  placement: string;
  state: string;
  created_at: Date;
  updated_at: Date;
}

/** `limit` from a tRPC GET input (`?input={"limit":50}`), bounded as the API's page input is. */
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

async function listClusters(pool: pg.Pool, tenantId: string, limit: number) {
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('app.tenant_id', $1, true)", [tenantId]);
    const { rows } = await client.query<ClusterRow>(LIST_SQL, [limit + 1]);
    await client.query("commit");
    return rows;
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
    const rows = await listClusters(pool, config.tenantId, limit);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    send(res, 200, {
      result: {
        data: {
          items: page.map((row) => ({
            id: row.id,
            name: row.name,
            region: row.region,
            placement: row.placement,
            state: row.state,
            orderId: row.order_id,
            createdAt: row.created_at.toISOString(),
            updatedAt: row.updated_at.toISOString(),
          })),
          nextCursor:
            rows.length > limit && last
              ? Buffer.from(JSON.stringify([last.created_at.toISOString(), last.id])).toString("base64url")
              : null,
        },
      },
    });
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
