import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { freePort } from "@platforma/events/testing";

/**
 * PostgreSQL servers a test starts for itself, from the Debian packages `scripts/install-services.sh`
 * installs: a primary and a streaming standby cloned from it (`pg_basebackup -R`), each on a free
 * port, with the platform's roles (`scripts/db-roles.sql`). As root the servers run as the
 * `postgres` user, as `scripts/services.sh` does.
 */
const PG_BIN = process.env["PG_BIN"] ?? "/usr/lib/postgresql/15/bin";
const ROLES_SQL = new URL("../../scripts/db-roles.sql", import.meta.url);
const asRoot = process.getuid?.() === 0;
const RUNUSER =
  ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].find((p) => existsSync(p)) ?? "runuser";

export interface PostgresServer {
  readonly port: number;
  readonly dataDir: string;
  readonly logFile: string;
  /** The platform's database on this server, as `role` (`platforma_app`, `_system`, `_owner`). */
  url(role: "app" | "system" | "owner"): string;
  /** `-m immediate`: no checkpoint, connections cut — what a crashed primary looks like. */
  crash(): Promise<void>;
  /** Ends recovery on a standby: it accepts writes from now on. */
  promote(): Promise<void>;
  stop(): Promise<void>;
}

export interface PostgresPair {
  primary: PostgresServer;
  standby: PostgresServer;
  /** Both servers, primary first, `target_session_attrs=read-write`: what the processes are given. */
  url(role: "app" | "system" | "owner"): string;
  destroy(): Promise<void>;
}

interface Output {
  code: number | null;
  output: string;
}

/** Runs a PostgreSQL binary as the user the servers run as, from `/` (which it can always enter). */
function pgCommand(binary: string, args: string[], input?: string): Promise<Output> {
  const [command, argv] = asRoot
    ? [RUNUSER, ["-u", "postgres", "--", join(PG_BIN, binary), ...args]]
    : [join(PG_BIN, binary), args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: "/", stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
    child.stdin.end(input ?? "");
  });
}

async function pg(binary: string, args: string[], input?: string): Promise<string> {
  const result = await pgCommand(binary, args, input);
  if (result.code !== 0)
    throw new Error(`${binary} ${args.join(" ")} failed (${result.code}):\n${result.output}`);
  return result.output;
}

/** A directory the `postgres` user owns (as root) or this user owns, inside `parent`. */
async function ownedDir(parent: string, name: string): Promise<string> {
  const dir = join(parent, name);
  await mkdir(dir, { mode: 0o700 });
  if (asRoot) {
    const { uid, gid } = await postgresIds();
    await chown(dir, uid, gid);
  }
  return dir;
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile("/etc/passwd", "utf8");
  const line = passwd.split("\n").find((l) => l.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error("running as root, but there is no `postgres` user");
  return { uid: Number(uid), gid: Number(gid) };
}

const SERVER_SETTINGS = [
  "-c listen_addresses=127.0.0.1",
  "-c max_connections=200",
  "-c fsync=off",
  "-c wal_level=replica",
  "-c max_wal_senders=5",
  "-c hot_standby=on",
  // The standby's promotion must not wait on a checkpoint for long.
  "-c checkpoint_timeout=30s",
];

function server(root: string, port: number, dataDir: string): PostgresServer {
  const logFile = join(root, `postgres-${port}.log`);
  return {
    port,
    dataDir,
    logFile,
    url(role) {
      const name = `platforma_${role}`;
      return `postgres://${name}:${name}@127.0.0.1:${port}/platforma`;
    },
    async crash() {
      await pgCommand("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
    },
    async promote() {
      await pg("pg_ctl", ["-D", dataDir, "-w", "promote"]);
    },
    async stop() {
      await pgCommand("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
    },
  };
}

async function start(dataDir: string, port: number, socketDir: string, logFile: string): Promise<void> {
  await pg("pg_ctl", [
    "-D",
    dataDir,
    "-l",
    logFile,
    "-w",
    "-t",
    "120",
    "start",
    "-o",
    [`-p ${port}`, `-k ${socketDir}`, ...SERVER_SETTINGS].join(" "),
  ]);
}

/** Starts a primary with the platform's roles and database, and a standby streaming from it. */
export async function startPostgresPair(): Promise<PostgresPair> {
  const root = await mkdtemp(join(tmpdir(), "platforma-pg-pair-"));
  if (asRoot) {
    const { uid, gid } = await postgresIds();
    await chown(root, uid, gid);
  }
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];
  const socketDir = await ownedDir(root, "sockets");
  const primaryDir = await ownedDir(root, "primary");
  const standbyDir = join(root, "standby");
  const primary = server(root, primaryPort, primaryDir);
  const standby = server(root, standbyPort, standbyDir);
  const pair: PostgresPair = {
    primary,
    standby,
    url(role) {
      const single = new URL(primary.url(role));
      return `postgres://${single.username}:${single.password}@127.0.0.1:${primaryPort},127.0.0.1:${standbyPort}/platforma?target_session_attrs=read-write`;
    },
    async destroy() {
      process.removeListener("exit", stopOnExit);
      await Promise.all([primary.stop(), standby.stop()]);
      await rm(root, { recursive: true, force: true });
    },
  };
  // pg_ctl starts the servers detached: a test process that dies without its afterAll must not
  // leave them running.
  const stopOnExit = () => {
    for (const dir of [primaryDir, standbyDir]) {
      const [command, argv] = asRoot
        ? [RUNUSER, ["-u", "postgres", "--", join(PG_BIN, "pg_ctl"), "-D", dir, "-m", "immediate", "stop"]]
        : [join(PG_BIN, "pg_ctl"), ["-D", dir, "-m", "immediate", "stop"]];
      spawnSync(command, argv, { cwd: "/", stdio: "ignore" });
    }
  };
  process.once("exit", stopOnExit);
  try {
    // Local servers of one test: trust on loopback, replication included.
    await pg("initdb", [
      "-D",
      primaryDir,
      "-U",
      "postgres",
      "--auth=trust",
      "-E",
      "UTF8",
      "--locale=C.UTF-8",
    ]);
    await start(primaryDir, primaryPort, socketDir, primary.logFile);
    await pg(
      "psql",
      ["-h", "127.0.0.1", "-p", String(primaryPort), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q"],
      await readFile(ROLES_SQL, "utf8"),
    );
    await pg("pg_basebackup", [
      "-h",
      "127.0.0.1",
      "-p",
      String(primaryPort),
      "-U",
      "postgres",
      "-D",
      standbyDir,
      "-R",
      "-X",
      "stream",
      "-c",
      "fast",
    ]);
    await start(standbyDir, standbyPort, socketDir, standby.logFile);
    // Synchronous replication: a commit is acknowledged once the standby has it, so promoting the
    // standby after the primary crashed loses no acknowledged transaction.
    const admin = [
      "-h",
      "127.0.0.1",
      "-p",
      String(primaryPort),
      "-U",
      "postgres",
      "-v",
      "ON_ERROR_STOP=1",
      "-qAt",
    ];
    for (let attempt = 0; ; attempt++) {
      const streaming = await pg("psql", [
        ...admin,
        "-c",
        "select count(*) from pg_stat_replication where state = 'streaming'",
      ]);
      if (streaming.trim() === "1") break;
      if (attempt > 600) throw new Error(`the standby does not stream; see ${standby.logFile}`);
      await delay(100);
    }
    await pg("psql", [...admin, "-c", "alter system set synchronous_standby_names = '*'"]);
    await pg("psql", [...admin, "-c", "select pg_reload_conf()"]);
  } catch (error) {
    await pair.destroy().catch(() => undefined);
    throw error;
  }
  return pair;
}
