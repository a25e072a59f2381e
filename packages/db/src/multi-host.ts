import pg from "pg";

/**
 * A libpq multi-host connection URI (`postgres://u:p@h1:5432,h2:5432/db?target_session_attrs=read-write`,
 * https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-MULTIPLE-HOSTS) as one
 * single-host URL per host, in the order given.
 */
export interface PostgresHosts {
  urls: string[];
  /** `target_session_attrs=read-write` (or `primary`): only a server that accepts writes will do. */
  readWrite: boolean;
}

const URI = /^(postgres(?:ql)?:\/\/)([^/?#]*)(.*)$/;

/** Null when `url` is not a `postgres://` URI. A single host is a list of one. */
export function splitPostgresHosts(url: string): PostgresHosts | null {
  const match = URI.exec(url);
  if (!match) return null;
  const [, scheme = "", authority = "", rest = ""] = match;
  const at = authority.lastIndexOf("@");
  const userinfo = at >= 0 ? authority.slice(0, at + 1) : "";
  const hosts = (at >= 0 ? authority.slice(at + 1) : authority).split(",");
  // pg knows neither parameter: it is ours to act on, not the server's.
  const queryStart = rest.indexOf("?");
  const path = queryStart >= 0 ? rest.slice(0, queryStart) : rest;
  const params = new URLSearchParams(queryStart >= 0 ? rest.slice(queryStart + 1) : "");
  const attrs = params.get("target_session_attrs") ?? "any";
  params.delete("target_session_attrs");
  const query = params.size > 0 ? `?${params.toString()}` : "";
  return {
    urls: hosts.map((host) => `${scheme}${userinfo}${host}${path}${query}`),
    readWrite: attrs === "read-write" || attrs === "primary",
  };
}

/**
 * node-postgres connects to one host only (multi-host support is an open pull request,
 * brianc/node-postgres#3643). This client class gives a pool libpq's behaviour: each new
 * connection tries the hosts in turn, starting with the last one that served, and, for a
 * read-write target, skips a server in recovery (a standby) — so after a failover the pool's next
 * connections reach the promoted server by themselves. When no host will do, the connection fails
 * with SQLSTATE 08001, a connection exception the API answers as 503 `unavailable`.
 */
export function multiHostClient(hosts: PostgresHosts): typeof pg.Client {
  let preferred = 0;
  const probeTimeoutMs = 5000;

  async function accepts(url: string, timeoutMs: number): Promise<boolean> {
    const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
    probe.on("error", () => {});
    try {
      await probe.connect();
      if (!hosts.readWrite) return true;
      const { rows } = await probe.query<{ transaction_read_only: string }>("show transaction_read_only");
      return rows[0]?.transaction_read_only === "off";
    } catch {
      return false;
    } finally {
      await probe.end().catch(() => undefined);
    }
  }

  async function choose(timeoutMs: number): Promise<URL> {
    for (let i = 0; i < hosts.urls.length; i++) {
      const index = (preferred + i) % hosts.urls.length;
      const url = hosts.urls[index] as string;
      if (await accepts(url, timeoutMs)) {
        preferred = index;
        return new URL(url);
      }
    }
    throw Object.assign(
      new Error(`no server ${hosts.readWrite ? "accepting writes " : ""}among ${hosts.urls.length} hosts`),
      { code: "08001" },
    );
  }

  class MultiHostClient extends pg.Client {
    override connect(): Promise<pg.Client>;
    override connect(callback: (err: Error | null, client?: pg.Client) => void): void;
    override connect(callback?: (err: Error | null, client?: pg.Client) => void): Promise<pg.Client> | void {
      const timeoutMs = (this as unknown as { _connectionTimeoutMillis?: number })._connectionTimeoutMillis;
      const connected = choose(timeoutMs || probeTimeoutMs).then((url) => {
        const self = this as unknown as {
          host: string;
          port: number;
          connectionParameters: pg.ClientConfig;
          connection: { stream: { destroyed: boolean } };
        };
        // The pool gave up waiting (its connection timeout destroys the socket): connecting now
        // would open a connection nobody holds.
        if (self.connection.stream.destroyed) throw new Error("timeout expired");
        // The connection parameters were parsed from the first host; only the address changes.
        self.host = self.connectionParameters.host = url.hostname.replace(/^\[(.+)\]$/, "$1");
        self.port = self.connectionParameters.port = Number(url.port || 5432);
        return super.connect();
      });
      if (!callback) return connected;
      connected.then(
        (client) => callback(null, client),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    }
  }
  return MultiHostClient;
}

/**
 * What a `pg.Pool` or `pg.Client` is configured with for `url`: a single-host URL as it is, a
 * multi-host one (or a read-write target) as its first host and the client class that chooses.
 */
export function pgConnectionFor(url: string): { connectionString: string; Client?: typeof pg.Client } {
  const hosts = splitPostgresHosts(url);
  if (!hosts || (hosts.urls.length < 2 && !hosts.readWrite)) return { connectionString: url };
  return { connectionString: hosts.urls[0] as string, Client: multiHostClient(hosts) };
}
