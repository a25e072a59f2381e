/** Why a message is not a catalogued event. */
export type InvalidEventReason =
  | "missing_attribute"
  | "invalid_attribute"
  | "unsupported_specversion"
  | "unknown_type"
  | "wrong_topic"
  | "key_mismatch"
  | "invalid_json"
  | "invalid_data";

export interface MessageCoordinates {
  topic: string;
  partition: number;
  offset: bigint;
}

/**
 * A message that cannot be handed to a typed handler: it is reported, skipped and committed, and
 * the stream goes on. The message says where it is and what is wrong, for a human reading a log.
 */
export class InvalidEventError extends Error {
  override readonly name = "InvalidEventError";
  readonly reason: InvalidEventReason;
  readonly at: MessageCoordinates;
  /** `ce_id` when the message had one. */
  readonly eventId: string | undefined;

  constructor(
    reason: InvalidEventReason,
    detail: string,
    at: MessageCoordinates,
    eventId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${at.topic}[${at.partition}]@${at.offset}: ${detail}`, options);
    this.reason = reason;
    this.at = at;
    this.eventId = eventId;
  }
}
