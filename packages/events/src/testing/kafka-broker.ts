import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Admin } from "@platformatic/kafka";
import { exited, freePort, run } from "./processes.ts";

/** A single-node KRaft broker owned by one test file: its own ports, data directory and process. */
export interface KafkaBroker {
  /** `host:port` clients use (the broker's, or the one it advertises), stable across stop/start. */
  readonly brokers: string[];
  readonly dataDir: string;
  /** Starts the broker (again) and waits until it answers metadata requests. */
  start(): Promise<void>;
  /** Controlled shutdown; waits for the process to exit. */
  stop(): Promise<void>;
  /** Stops the broker for good and removes its data. */
  destroy(): Promise<void>;
}

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

function kafkaLibsIn(tools: string): string | undefined {
  if (!existsSync(tools)) return undefined;
  const dir = readdirSync(tools).find((name) => name.startsWith("kafka-"));
  return dir ? join(tools, dir, "libs") : undefined;
}

/**
 * The Kafka jars `scripts/install-services.sh` put under `.local/tools`: `KAFKA_LIBS` when set,
 * else this checkout's `.local`, else (in a git worktree) the main checkout's.
 */
export function findKafkaLibs(): string {
  const candidates = [process.env["KAFKA_LIBS"]];
  if (process.env["PLATFORMA_HOME"])
    candidates.push(kafkaLibsIn(join(process.env["PLATFORMA_HOME"], "tools")));
  candidates.push(kafkaLibsIn(join(REPO_ROOT, ".local", "tools")));
  const gitFile = join(REPO_ROOT, ".git");
  if (existsSync(gitFile) && !existsSync(join(gitFile, "HEAD"))) {
    // A worktree: `.git` is a file naming <main>/.git/worktrees/<name>.
    const match = /^gitdir:\s*(.+)$/m.exec(readFileSync(gitFile, "utf8"));
    if (match?.[1]) candidates.push(kafkaLibsIn(join(resolve(match[1]), "../../..", ".local", "tools")));
  }
  const found = candidates.find((dir): dir is string => dir !== undefined && existsSync(dir));
  if (!found) throw new Error("Kafka jars not found: run `bash scripts/services.sh up` or set KAFKA_LIBS");
  return found;
}

export interface KafkaBrokerOptions {
  /**
   * Puts something between clients and the broker (a TCP proxy a test cuts): called with the
   * broker's port before it starts, it returns the `host:port` the broker advertises. Clients
   * connect to the address in the metadata, so a proxy in front of a broker that advertises its
   * own address would be bypassed after the first request.
   */
  advertisedAddress?: (port: number) => string | Promise<string>;
}

/**
 * Formats and starts a broker on free ports with the same settings as `scripts/services.sh`, so a
 * test can stop and start it without disturbing the shared broker other test runs use.
 */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const libs = findKafkaLibs();
  const dataDir = await mkdtemp(join(tmpdir(), "platforma-kafka-"));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const advertised = (await options.advertisedAddress?.(port)) ?? `127.0.0.1:${port}`;
  const brokers = [advertised];
  const config = join(dataDir, "server.properties");
  const logFile = join(dataDir, "kafka.log");
  await writeFile(
    config,
    [
      "process.roles=broker,controller",
      "node.id=1",
      `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://${advertised}`,
      "controller.listener.names=CONTROLLER",
      "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      `log.dirs=${join(dataDir, "logs")}`,
      "num.partitions=6",
      "offsets.topic.replication.factor=1",
      // One partition instead of 50: a group coordinator is ready in a fraction of the time.
      "offsets.topic.num.partitions=1",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "share.coordinator.state.topic.replication.factor=1",
      "share.coordinator.state.topic.min.isr=1",
      "group.initial.rebalance.delay.ms=0",
      "auto.create.topics.enable=false",
      "",
    ].join("\n"),
  );
  const classpath = `${libs}/*`;
  const javaOpts = [
    "-Xms128m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    `-Dlog4j2.configurationFile=${join(REPO_ROOT, "scripts", "kafka", "log4j2.yaml")}`,
  ];
  // A cluster id is 16 random bytes, base64url without padding; making it here saves a JVM start.
  const clusterId = randomBytes(16).toString("base64url");
  await run(
    "java",
    [
      ...javaOpts,
      "-cp",
      classpath,
      "kafka.tools.StorageTool",
      "format",
      "--standalone",
      "-t",
      clusterId,
      "-c",
      config,
    ],
    logFile,
  );

  let child: ChildProcess | undefined;
  const killOnExit = () => child?.kill("SIGKILL");
  process.once("exit", killOnExit);

  async function waitUntilReady(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!child || child.exitCode !== null) throw new Error(`Kafka exited during start; see ${logFile}`);
      const admin = new Admin({ clientId: "platforma-test-broker", bootstrapBrokers: brokers, retries: 0 });
      try {
        await admin.listTopics();
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`Kafka not ready within ${timeoutMs} ms; see ${logFile}`, { cause: error });
      } finally {
        await admin.close().catch(() => undefined);
      }
      await delay(250);
    }
  }

  const broker: KafkaBroker = {
    brokers,
    dataDir,
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) return;
      const log = await open(logFile, "a");
      try {
        child = spawn("java", [...javaOpts, "-cp", classpath, "kafka.Kafka", config], {
          stdio: ["ignore", log.fd, log.fd],
        });
      } finally {
        await log.close();
      }
      await waitUntilReady();
    },
    async stop() {
      const running = child;
      if (!running) return;
      running.kill("SIGTERM");
      const timer = setTimeout(() => running.kill("SIGKILL"), 30_000);
      await exited(running);
      clearTimeout(timer);
      child = undefined;
    },
    async destroy() {
      await broker.stop();
      process.removeListener("exit", killOnExit);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}
