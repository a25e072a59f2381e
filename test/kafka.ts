import { Consumer, stringDeserializers, type Message } from "@platformatic/kafka";
import { testEnv } from "./env.ts";

export type TopicMessage = Message<string, string, string, string>;

/**
 * Reads `topics` from the beginning until `count` messages keyed by `key` have arrived (or the
 * timeout passes), and returns them in arrival order.
 */
export async function consumeByKey(
  topics: string[],
  key: string,
  count: number,
  timeoutMs = 30_000,
): Promise<TopicMessage[]> {
  const consumer = new Consumer({
    groupId: `test-${globalThis.crypto.randomUUID()}`,
    clientId: "platforma-test",
    bootstrapBrokers: testEnv.kafkaBrokers,
    deserializers: stringDeserializers,
    autocommit: false,
    maxWaitTime: 200,
  });
  const kept: TopicMessage[] = [];
  try {
    const stream = await consumer.consume({ topics, mode: "earliest", autocommit: false, maxWaitTime: 200 });
    const timer = setTimeout(() => void stream.close(), timeoutMs);
    try {
      for await (const message of stream) {
        if (message.key === key) kept.push(message);
        if (kept.length >= count) break;
      }
    } finally {
      clearTimeout(timer);
    }
    return kept;
  } finally {
    await consumer.close(true);
  }
}
