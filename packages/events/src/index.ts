export * from "./outbox-writer.ts";
