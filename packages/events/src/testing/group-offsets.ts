import { Admin, Consumer } from "@platformatic/kafka";

/**
 * Commits, for a group that has not consumed yet, the current end of every partition of `topics`:
 * a consumer of that group then sees exactly what is produced from now on, without racing its own
 * join against the producer (as starting from "latest" would).
 */
export async function startGroupAtEnd(
  brokers: readonly string[],
  groupId: string,
  topics: string[],
): Promise<void> {
  const probe = new Consumer({
    groupId: `${groupId}-probe`,
    clientId: "platforma-test",
    bootstrapBrokers: [...brokers],
  });
  const admin = new Admin({ clientId: "platforma-test", bootstrapBrokers: [...brokers] });
  try {
    const ends = await probe.listOffsets({ topics });
    await admin.alterConsumerGroupOffsets({
      groupId,
      topics: [...ends].map(([name, offsets]) => ({
        name,
        partitionOffsets: offsets.map((offset, partition) => ({ partition, offset })),
      })),
    });
  } finally {
    await Promise.allSettled([probe.close(true), admin.close()]);
  }
}
