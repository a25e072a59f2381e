import { Admin, findErrorBy } from "@platformatic/kafka";
import { TOPIC_SETTINGS, TOPICS, type Topic } from "@platforma/contracts";

export interface EnsureTopicsOptions {
  /** Omitted: the broker's `default.replication.factor`. */
  replicationFactor?: number;
  /**
   * With a replication factor above 1, acks from all in-sync replicas mean at least this many
   * copies; omitted: the broker's default.
   */
  minInsyncReplicas?: number;
}

/**
 * Creates every catalogued topic that does not exist yet, with the partitions and retention of
 * `TOPIC_SETTINGS`; returns the ones it created. Safe to run from several processes at once. It
 * never adds partitions to an existing topic: that would move tenants to other partitions and
 * break per-tenant order for events already in flight.
 */
export async function ensureTopics(
  target: Admin | readonly string[],
  options: EnsureTopicsOptions = {},
): Promise<Topic[]> {
  const owned = !(target instanceof Admin);
  const admin = owned ? new Admin({ clientId: "platforma-topics", bootstrapBrokers: [...target] }) : target;
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Object.values(TOPICS).filter((topic) => !existing.has(topic));
    const created = await Promise.all(
      missing.map(async (topic) => {
        const settings = TOPIC_SETTINGS[topic];
        const configs = [
          { name: "cleanup.policy", value: "delete" },
          { name: "retention.ms", value: String(settings.retentionMs) },
        ];
        if (options.minInsyncReplicas !== undefined)
          configs.push({ name: "min.insync.replicas", value: String(options.minInsyncReplicas) });
        try {
          await admin.createTopics({
            topics: [topic],
            partitions: settings.partitions,
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
