export * from "./kafka-broker.ts";
export * from "./isolated-outbox.ts";
export * from "./group-offsets.ts";
export * from "./read-topics.ts";
export * from "./kafka-cluster.ts";
export * from "./processes.ts";
