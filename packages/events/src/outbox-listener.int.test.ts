import { createServer, connect, type Server, type Socket } from "node:net";
import { once } from "node:events";
import { count, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { newId, type TenantId } from "@platforma/contracts";
import { outbox, runMigrations, type SystemDb } from "@platforma/db";
import { appendEvent } from "./outbox-writer.ts";
import { createEventProducer, type EventProducer } from "./producer.ts";
import { createRelay, type Relay } from "./relay.ts";
import { createIsolatedOutbox, type IsolatedOutbox } from "./testing/index.ts";
import { ensureTopics } from "./topics.ts";

/*
 * The relay's doorbell: a LISTEN connection woken by `appendEvent`'s notification on commit. The
 * connection goes through a TCP proxy this file can cut, as a Postgres restart or a network loss
 * would, while the relay's pool talks to Postgres directly.
 */

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required for integration tests`);
  return value;
}

/** Forwards to Postgres; `cut()` drops every connection and refuses new ones until `restore()`. */
interface CuttableProxy {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

async function startProxy(target: { host: string; port: number }): Promise<CuttableProxy> {
  let open = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    if (!open) return inbound.destroy();
    const outbound = connect(target.port, target.host);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    inbound.pipe(outbound).pipe(inbound);
    inbound.on("close", () => outbound.destroy());
    outbound.on("close", () => inbound.destroy());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  return {
    port: address.port,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      open = true;
    },
    async close() {
      open = false;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let isolated: IsolatedOutbox;
let db: SystemDb;
let producer: EventProducer;
let proxy: CuttableProxy;
let listenUrl: string;

beforeAll(async () => {
  await runMigrations(requireEnv("DATABASE_OWNER_URL"));
  isolated = await createIsolatedOutbox({
    ownerUrl: requireEnv("DATABASE_OWNER_URL"),
    systemUrl: requireEnv("DATABASE_SYSTEM_URL"),
  });
  db = isolated.system.db;
  const brokers = requireEnv("KAFKA_BROKERS").split(",");
  await ensureTopics(brokers);
  producer = createEventProducer({ brokers, clientId: "outbox-listener-int-test" });
  const direct = new URL(isolated.systemUrl);
  proxy = await startProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const viaProxy = new URL(isolated.systemUrl);
  viaProxy.hostname = "127.0.0.1";
  viaProxy.port = String(proxy.port);
  listenUrl = viaProxy.toString();
}, 60_000);

afterAll(async () => {
  await producer?.close();
  await proxy?.close();
  await isolated?.drop();
});

async function commitEvent(tenantId: TenantId): Promise<void> {
  const orderId = newId("order");
  await db.transaction((tx) =>
    appendEvent(tx, tenantId, "order.placed.v1", {
      orderId,
      workflowId: `order/${orderId}`,
      kind: "cluster",
      request: {},
    }),
  );
}

async function unpublished(): Promise<number> {
  const [row] = await db.select({ n: count() }).from(outbox).where(isNull(outbox.publishedAt));
  return row?.n ?? 0;
}

const WAIT = { timeout: 20_000, interval: 20 };

describe("outbox relay woken on commit", () => {
  it("publishes on the commit's notification, and again after its LISTEN connection was lost and came back", async () => {
    // A poll far beyond the test's waits: whatever is published here was published on a wake-up.
    const relay: Relay = createRelay({ db, producer, listenUrl, pollIntervalMs: 600_000 });
    relay.start();
    try {
      await vi.waitFor(() => expect(relay.stats.listening).toBe(true), WAIT);
      // The start-up poll found nothing; from here on only notifications wake the relay.
      await vi.waitFor(async () => expect(await unpublished()).toBe(0), WAIT);
      const tenant = newId("tenant");

      await commitEvent(tenant);
      await vi.waitFor(() => expect(relay.stats.published).toBe(1), WAIT);
      const rung = relay.stats.notifications;
      expect(rung).toBeGreaterThanOrEqual(1);

      proxy.cut();
      await vi.waitFor(() => expect(relay.stats.listening).toBe(false), WAIT);
      proxy.restore();
      await vi.waitFor(() => expect(relay.stats.listening).toBe(true), WAIT);

      await commitEvent(tenant);
      await vi.waitFor(() => expect(relay.stats.published).toBe(2), WAIT);
      expect(relay.stats.notifications).toBeGreaterThan(rung);
      expect(await unpublished()).toBe(0);
    } finally {
      proxy.restore();
      await relay.stop();
    }
  }, 60_000);

  it("keeps publishing by polling while its LISTEN connection cannot be made", async () => {
    proxy.cut();
    const relay = createRelay({ db, producer, listenUrl, pollIntervalMs: 50 });
    relay.start();
    try {
      const tenant = newId("tenant");
      for (let i = 0; i < 3; i++) await commitEvent(tenant);
      await vi.waitFor(async () => expect(await unpublished()).toBe(0), WAIT);
      expect(relay.stats.published).toBe(3);
      expect(relay.stats.listening).toBe(false);
      expect(relay.stats.notifications).toBe(0);
    } finally {
      proxy.restore();
      await relay.stop();
    }
  }, 60_000);
});
