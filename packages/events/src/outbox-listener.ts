import pg from "pg";
import { pgConnectionFor } from "@platforma/db";
import { backoffDelay } from "./backoff.ts";
import { silentLogger, type Logger } from "./logger.ts";

/**
 * The channel `appendEvent` notifies in the writing transaction. Postgres delivers a notification
 * only when that transaction commits (and folds a transaction's repeats into one), so a wake-up
 * always means committed rows, never rolled-back ones.
 */
export const OUTBOX_CHANNEL = "platforma_outbox";

export interface OutboxListenerOptions {
  /** Postgres URL of the listening connection; any role may LISTEN. */
  url: string;
  /** Called on every notification, and once after each (re)connect, for what was missed meanwhile. */
  onWake: () => void;
  logger?: Logger;
  applicationName?: string;
  /** Backoff between reconnect attempts: doubling from `initialMs` up to `maxMs`, with jitter. */
  reconnect?: { initialMs: number; maxMs: number };
}

export interface OutboxListener {
  /** Whether the connection is up and listening right now. */
  readonly listening: boolean;
  /** Notifications received since the start. */
  readonly notifications: number;
  /** Connects in the background and stays connected until `close()`, reconnecting after any loss. */
  start(): void;
  close(): Promise<void>;
}

/**
 * A dedicated connection LISTENing on the outbox channel (a pooled connection cannot: LISTEN is
 * per session, and a pool hands sessions around). It is only a doorbell: losing it (a Postgres
 * restart, a network cut, a terminated backend) costs latency, never events, because the relay
 * keeps polling whatever the listener's state; it reconnects with backoff, and wakes the relay
 * once it is back, since notifications sent while it was away are gone.
 */
export function createOutboxListener(options: OutboxListenerOptions): OutboxListener {
  const {
    url,
    onWake,
    logger = silentLogger,
    applicationName = "platforma-relay-listen",
    reconnect = { initialMs: 100, maxMs: 2000 },
  } = options;
  let client: pg.Client | null = null;
  let listening = false;
  let notifications = 0;
  let closed = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;

  function scheduleReconnect(): void {
    if (closed || retryTimer !== undefined) return;
    failures += 1;
    const retryInMs = backoffDelay(failures, reconnect);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, retryInMs);
  }

  function lost(current: pg.Client, err?: unknown): void {
    if (client !== current) return;
    client = null;
    if (listening) logger.warn({ err }, "outbox listener lost its connection; polling until it is back");
    listening = false;
    current.removeAllListeners("notification");
    // The socket may already be gone; end() only tidies up, its failure says nothing new.
    current.end().catch(() => {});
    scheduleReconnect();
  }

  async function connect(): Promise<void> {
    if (closed) return;
    // A multi-host URL finds the primary: a standby never hears the primary's notifications.
    const { connectionString, Client = pg.Client } = pgConnectionFor(url);
    const current = new Client({
      connectionString,
      application_name: applicationName,
      // A half-open TCP connection would otherwise look alive forever and never deliver again.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client = current;
    current.on("error", (err) => lost(current, err));
    current.on("end", () => lost(current));
    current.on("notification", (message) => {
      if (message.channel !== OUTBOX_CHANNEL) return;
      notifications += 1;
      onWake();
    });
    try {
      await current.connect();
      await current.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (err) {
      if (failures === 0) logger.warn({ err }, "outbox listener cannot connect; polling until it can");
      lost(current, err);
      return;
    }
    if (client !== current || closed) {
      await current.end().catch(() => {});
      return;
    }
    listening = true;
    if (failures > 0) logger.info({ failures }, "outbox listener reconnected");
    failures = 0;
    onWake();
  }

  return {
    get listening() {
      return listening;
    },
    get notifications() {
      return notifications;
    },
    start() {
      if (closed || client !== null || retryTimer !== undefined) return;
      void connect();
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      const current = client;
      client = null;
      listening = false;
      if (current) {
        current.removeAllListeners();
        // Without an error listener a late socket error would be thrown as unhandled.
        current.on("error", () => {});
        await current.end().catch(() => {});
      }
    },
  };
}
