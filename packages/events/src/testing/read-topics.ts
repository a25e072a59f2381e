import { Consumer, stringDeserializers, type Message } from "@platformatic/kafka";

export type TopicMessage = Message<string, string, string, string>;

/**
 * Every message of `topics` from the beginning to the high watermarks as of the call, duplicates
 * included, in per-partition offset order. Reading to the watermark rather than to an expected
 * count is what lets a duplicate, or a missing event, show.
 */
export async function readTopicsToEnd(brokers: readonly string[], topics: string[]): Promise<TopicMessage[]> {
  const consumer = new Consumer({
    groupId: `read-${globalThis.crypto.randomUUID()}`,
    clientId: "platforma-test",
    bootstrapBrokers: [...brokers],
    deserializers: stringDeserializers,
    autocommit: false,
    maxWaitTime: 200,
  });
  try {
    const [latest, earliest] = await Promise.all([
      consumer.listOffsets({ topics }),
      consumer.listOffsets({ topics, timestamp: -2n }),
    ]);
    const lastOffset = new Map<string, bigint>();
    for (const [topic, highWatermarks] of latest) {
      highWatermarks.forEach((highWatermark, partition) => {
        const low = earliest.get(topic)?.[partition] ?? 0n;
        if (highWatermark > low) lastOffset.set(`${topic}:${partition}`, highWatermark - 1n);
      });
    }
    const messages: TopicMessage[] = [];
    if (lastOffset.size === 0) return messages;
    const stream = await consumer.consume({ topics, mode: "earliest", autocommit: false, maxWaitTime: 200 });
    const timeout = setTimeout(() => void stream.close(), 60_000);
    try {
      for await (const message of stream) {
        const key = `${message.topic}:${message.partition}`;
        const last = lastOffset.get(key);
        if (last === undefined || message.offset > last) continue;
        messages.push(message);
        if (message.offset >= last) lastOffset.delete(key);
        if (lastOffset.size === 0) break;
      }
    } finally {
      clearTimeout(timeout);
    }
    if (lastOffset.size > 0) throw new Error(`did not reach the end of ${[...lastOffset.keys()].join(", ")}`);
    return messages.sort((a, b) =>
      a.topic === b.topic
        ? a.partition - b.partition || (a.offset < b.offset ? -1 : 1)
        : a.topic < b.topic
          ? -1
          : 1,
    );
  } finally {
    await consumer.close(true);
  }
}
