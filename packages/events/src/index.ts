export * from "./outbox-writer.ts";
export * from "./logger.ts";
export * from "./topics.ts";
export * from "./producer.ts";
export * from "./relay.ts";
