import { Admin, findErrorBy } from "@platformatic/kafka";
import { TOPICS, type Topic } from "@platforma/contracts";

export interface EnsureTopicsOptions {
  /** Partitions of a topic created here. Existing topics are left as they are. */
  partitions?: number;
  /** Omitted: the broker's `default.replication.factor`. */
  replicationFactor?: number;
  retentionMs?: number;
}

export const DEFAULT_TOPIC_PARTITIONS = 6;
/** Consumers that fall further behind than this lose events; a week covers a long outage and a replay. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Creates every catalogued topic that does not exist yet; returns the ones it created. Safe to run
 * from several processes at once. It never adds partitions to an existing topic: that would move
 * tenants to other partitions and break per-tenant order for events already in flight.
 */
export async function ensureTopics(
  target: Admin | readonly string[],
  options: EnsureTopicsOptions = {},
): Promise<Topic[]> {
  const owned = !(target instanceof Admin);
  const admin = owned ? new Admin({ clientId: "platforma-topics", bootstrapBrokers: [...target] }) : target;
  const configs = [
    { name: "cleanup.policy", value: "delete" },
    { name: "retention.ms", value: String(options.retentionMs ?? DEFAULT_RETENTION_MS) },
  ];
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Object.values(TOPICS).filter((topic) => !existing.has(topic));
    const created = await Promise.all(
      missing.map(async (topic) => {
        try {
          await admin.createTopics({
            topics: [topic],
            partitions: options.partitions ?? DEFAULT_TOPIC_PARTITIONS,
            replicas: options.replicationFactor ?? -1,
            configs,
          });
          return topic;
        } catch (error) {
          // Another process created it between our listing and our request.
          if (error instanceof Error && findErrorBy(error, "apiId", "TOPIC_ALREADY_EXISTS")) return undefined;
          throw error;
        }
      }),
    );
    return created.filter((topic) => topic !== undefined);
  } finally {
    if (owned) await admin.close();
  }
}
