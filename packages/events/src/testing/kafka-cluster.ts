import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { Admin } from "@platformatic/kafka";
import { findKafkaLibs, REPO_ROOT } from "./kafka-broker.ts";
import { exited, freePort, run } from "./processes.ts";

/** One node of a `KafkaCluster`: broker and KRaft controller in one process. */
export interface KafkaNode {
  readonly nodeId: number;
  /** `host:port` of its broker listener. */
  readonly address: string;
  readonly logFile: string;
  readonly running: boolean;
  /** SIGKILL: no controlled shutdown, no leadership handed over, what a crashed machine looks like. */
  kill(): Promise<void>;
  start(): Promise<void>;
}

/** A multi-node KRaft cluster owned by one test file: its own ports, data directories and processes. */
export interface KafkaCluster {
  /** Every node's broker address: what clients bootstrap from. */
  readonly brokers: string[];
  readonly nodes: readonly KafkaNode[];
  /** Stops every node and removes the data. */
  destroy(): Promise<void>;
}

export interface KafkaClusterOptions {
  /** Nodes, each a broker and a controller voter (default 3: a quorum survives the loss of one). */
  size?: number;
  /** The cluster's default for new topics and its internal topics (default: `size`). */
  replicationFactor?: number;
  /** Default 2: an `acks=all` write is on at least two machines before it is acknowledged. */
  minInsyncReplicas?: number;
  /** Per-broker JVM heap (default 256m: three brokers share a small machine with the rest of the tests). */
  heap?: string;
}

/**
 * Formats and starts a KRaft cluster with a static controller quorum (every node votes), on free
 * ports, from the jars `scripts/install-services.sh` resolved. The internal topics (consumer
 * offsets, transactions) are replicated like the data, so a consumer group keeps working when a
 * node dies.
 */
export async function startKafkaCluster(options: KafkaClusterOptions = {}): Promise<KafkaCluster> {
  const size = options.size ?? 3;
  const replicationFactor = options.replicationFactor ?? size;
  const minIsr = options.minInsyncReplicas ?? Math.min(2, replicationFactor);
  const libs = findKafkaLibs();
  const root = await mkdtemp(join(tmpdir(), "platforma-kafka-cluster-"));
  const ids = Array.from({ length: size }, (_, i) => i + 1);
  const ports = await Promise.all(
    ids.map(async () => ({ broker: await freePort(), controller: await freePort() })),
  );
  const voters = ids.map((id, i) => `${id}@127.0.0.1:${ports[i]?.controller}`).join(",");
  const classpath = `${libs}/*`;
  const javaOpts = [
    `-Xms${options.heap ?? "256m"}`,
    `-Xmx${options.heap ?? "256m"}`,
    "-XX:+UseSerialGC",
    `-Dlog4j2.configurationFile=${join(REPO_ROOT, "scripts", "kafka", "log4j2.yaml")}`,
  ];
  // A cluster id is 16 random bytes, base64url without padding; making it here saves a JVM start.
  const clusterId = randomBytes(16).toString("base64url");
  const brokers = ports.map((p) => `127.0.0.1:${p.broker}`);
  const killers = new Set<() => void>();
  const killAllOnExit = () => {
    for (const kill of killers) kill();
  };
  process.once("exit", killAllOnExit);

  const nodes = await Promise.all(
    ids.map(async (nodeId, i): Promise<KafkaNode & { stop(): Promise<void> }> => {
      const { broker: port, controller } = ports[i] as { broker: number; controller: number };
      const dir = join(root, `node-${nodeId}`);
      await mkdir(dir, { recursive: true });
      const config = join(dir, "server.properties");
      const logFile = join(dir, "kafka.log");
      await writeFile(
        config,
        [
          "process.roles=broker,controller",
          `node.id=${nodeId}`,
          `controller.quorum.voters=${voters}`,
          `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
          `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
          "controller.listener.names=CONTROLLER",
          "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
          `log.dirs=${join(dir, "logs")}`,
          "num.partitions=6",
          `default.replication.factor=${replicationFactor}`,
          `min.insync.replicas=${minIsr}`,
          `offsets.topic.replication.factor=${replicationFactor}`,
          // One partition instead of 50: a group coordinator is ready in a fraction of the time.
          "offsets.topic.num.partitions=1",
          `transaction.state.log.replication.factor=${replicationFactor}`,
          `transaction.state.log.min.isr=${minIsr}`,
          `share.coordinator.state.topic.replication.factor=${replicationFactor}`,
          `share.coordinator.state.topic.min.isr=${minIsr}`,
          "unclean.leader.election.enable=false",
          "group.initial.rebalance.delay.ms=0",
          "auto.create.topics.enable=false",
          "",
        ].join("\n"),
      );
      await run(
        "java",
        [...javaOpts, "-cp", classpath, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config],
        logFile,
      );
      let child: ChildProcess | undefined;
      const kill = () => child?.kill("SIGKILL");
      killers.add(kill);
      const node = {
        nodeId,
        address: `127.0.0.1:${port}`,
        logFile,
        get running() {
          return child !== undefined && child.exitCode === null && child.signalCode === null;
        },
        async start() {
          if (node.running) return;
          const log = await open(logFile, "a");
          try {
            child = spawn("java", [...javaOpts, "-cp", classpath, "kafka.Kafka", config], {
              stdio: ["ignore", log.fd, log.fd],
            });
          } finally {
            await log.close();
          }
        },
        async kill() {
          const running = child;
          if (!running) return;
          running.kill("SIGKILL");
          await exited(running);
          child = undefined;
        },
        async stop() {
          const running = child;
          if (!running) return;
          running.kill("SIGTERM");
          const timer = setTimeout(() => running.kill("SIGKILL"), 20_000);
          await exited(running);
          clearTimeout(timer);
          child = undefined;
        },
      };
      return node;
    }),
  );

  const cluster: KafkaCluster = {
    brokers,
    nodes,
    async destroy() {
      await Promise.all(nodes.map((node) => node.stop()));
      process.removeListener("exit", killAllOnExit);
      await rm(root, { recursive: true, force: true });
    },
  };
  try {
    // The controllers elect a leader only once a majority of them runs: start them together.
    await Promise.all(nodes.map((node) => node.start()));
    await waitForBrokers(brokers, size, nodes, 120_000);
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  return cluster;
}

/** Until the cluster's metadata lists `count` brokers. */
async function waitForBrokers(
  bootstrap: string[],
  count: number,
  nodes: readonly KafkaNode[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = nodes.find((node) => !node.running);
    if (dead) throw new Error(`Kafka node ${dead.nodeId} exited during start; see ${dead.logFile}`);
    const admin = new Admin({ clientId: "platforma-test-cluster", bootstrapBrokers: bootstrap, retries: 0 });
    try {
      const metadata = await admin.metadata({ topics: [] });
      if (metadata.brokers.size >= count) return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`Kafka cluster not ready within ${timeoutMs} ms; see ${nodes[0]?.logFile}`, {
          cause: error,
        });
    } finally {
      await admin.close().catch(() => undefined);
    }
    if (Date.now() > deadline)
      throw new Error(`Kafka cluster has fewer than ${count} brokers after ${timeoutMs} ms`);
    await delay(250);
  }
}
