import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, cp, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "@platforma/events/testing";

/*
 * The local-stack scripts start PostgreSQL for whoever runs them, from a checkout the `postgres`
 * user cannot enter: as root (the server runs as `postgres`, its data under /var/lib/platforma)
 * and as an ordinary user (the server runs as that user, its data in the checkout). Each case is a
 * copy of scripts/ in a fresh 0700 directory with its own PG_PORT, in a shell that has only HOME
 * and PATH=/usr/bin:/bin; only PostgreSQL is started (the other services are "configured").
 */

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const IS_ROOT = process.getuid?.() === 0;
/** An unprivileged account every Debian system has; the scripts run as it when the suite runs as root. */
const ORDINARY = IS_ROOT ? "nobody" : userInfo().username;
const BIN = "/usr/bin:/bin";

interface Run {
  code: number | null;
  output: string;
}

function run(command: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0] ?? "", command.slice(1), { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

interface Checkout {
  dir: string;
  port: number;
  /** Runs `bash scripts/services.sh <verb>` in the checkout as `user`, in a shell with nothing set. */
  services(verb: "up" | "down" | "env"): Promise<Run>;
}

const checkouts: Checkout[] = [];

/** scripts/ and .node-version (all services.sh reads) in a new 0700 directory of `user`. */
async function checkoutFor(user: string): Promise<Checkout> {
  const dir = await mkdtemp(join(tmpdir(), "platforma-scripts-"));
  await cp(join(ROOT, "scripts"), join(dir, "scripts"), { recursive: true });
  await cp(join(ROOT, ".node-version"), join(dir, ".node-version"));
  const { uid, gid } = await idsOf(user);
  if (IS_ROOT) await run(["chown", "-R", `${uid}:${gid}`, dir], { PATH: BIN });
  await chmod(dir, 0o700);
  const port = await freePort();
  const env = [
    `HOME=${dir}`,
    `PATH=${BIN}`,
    `PG_PORT=${port}`,
    // Configured from outside, so services.sh starts only PostgreSQL.
    "TEMPORAL_ADDRESS=127.0.0.1:1",
    "KAFKA_BROKERS=127.0.0.1:1",
    "S3_ENDPOINT=http://127.0.0.1:1",
  ];
  const asUser = IS_ROOT && user !== "root" ? ["/usr/sbin/runuser", "-u", user, "--"] : [];
  const checkout: Checkout = {
    dir,
    port,
    services: (verb) =>
      run([...asUser, "/usr/bin/env", "-i", ...env, "bash", join(dir, "scripts/services.sh"), verb], {
        PATH: BIN,
      }),
  };
  checkouts.push(checkout);
  return checkout;
}

async function idsOf(user: string): Promise<{ uid: number; gid: number }> {
  const uid = await run(["id", "-u", user], { PATH: BIN });
  const gid = await run(["id", "-g", user], { PATH: BIN });
  return { uid: Number(uid.output.trim()), gid: Number(gid.output.trim()) };
}

async function connectsAsApp(port: number): Promise<{ user: string; bypassesRls: boolean }> {
  const client = new pg.Client({
    connectionString: `postgres://platforma_app:platforma_app@127.0.0.1:${port}/platforma`,
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ user: string; bypass: boolean }>(
      "SELECT current_user AS user, rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user",
    );
    return { user: rows[0]?.user ?? "", bypassesRls: rows[0]?.bypass ?? true };
  } finally {
    await client.end();
  }
}

/** The uid the server of a data directory runs as (its postmaster.pid names the process). */
async function serverUid(dataDir: string): Promise<number> {
  const pid = (await readFile(join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0];
  return (await stat(`/proc/${pid}`)).uid;
}

afterAll(async () => {
  for (const checkout of checkouts) {
    await checkout.services("down").catch(() => undefined);
    await rm(checkout.dir, { recursive: true, force: true });
  }
  for (const dir of systemDirs) await rm(dir, { recursive: true, force: true });
});

/** PostgreSQL homes the root case makes under /var/lib/platforma. */
const systemDirs: string[] = [];

interface Case {
  user: string;
  /** Where the scripts should put the server's data, for a checkout in `dir`. */
  dataDir(dir: string): string;
  /** The user the server runs as. */
  serverUser: string;
}

const CASES: Case[] = [
  { user: ORDINARY, dataDir: (dir) => join(dir, ".local/data/postgres"), serverUser: ORDINARY },
  // Only root can be root: as any other user this case is the one above.
  ...(IS_ROOT
    ? [
        {
          user: "root",
          dataDir: (dir: string) => {
            const home = `/var/lib/platforma/${createHash("sha1").update(dir).digest("hex").slice(0, 12)}`;
            systemDirs.push(home);
            return join(home, "postgres");
          },
          serverUser: "postgres",
        },
      ]
    : []),
];

describe("the local-stack scripts, for any user and any checkout", () => {
  it.each(CASES)(
    "start and stop PostgreSQL as $user from a checkout the postgres user cannot enter",
    async ({ user, dataDir, serverUser }) => {
      const checkout = await checkoutFor(user);
      const up = await checkout.services("up");
      expect(up.code, up.output).toBe(0);
      const data = dataDir(checkout.dir);
      expect((await stat(join(data, "PG_VERSION"))).isFile()).toBe(true);
      expect(await serverUid(data)).toBe((await idsOf(serverUser)).uid);
      expect(await connectsAsApp(checkout.port)).toEqual({ user: "platforma_app", bypassesRls: false });

      const env = await checkout.services("env");
      expect(env.output).toContain(
        `export DATABASE_URL='postgres://platforma_app:platforma_app@127.0.0.1:${checkout.port}/platforma'`,
      );
      // Started again: the running server is the checkout's own, and is reused.
      expect((await checkout.services("up")).code).toBe(0);

      const down = await checkout.services("down");
      expect(down.code, down.output).toBe(0);
      await expect(connectsAsApp(checkout.port)).rejects.toThrow(/ECONNREFUSED/);
    },
    180_000,
  );
});
