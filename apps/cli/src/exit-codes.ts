/** The exit codes scripts can rely on (README, `./platforma --help`). */
export const EXIT = {
  ok: 0,
  /** The API answered with an error; its reason is printed. */
  apiError: 1,
  /** Bad arguments, or no credential to call with. */
  usage: 2,
  /** No answer from the API: refused, unresolvable, or timed out. */
  unreachable: 3,
} as const;

/** A mistake in how the command was called: exit 2, with the message. */
export class UsageError extends Error {
  override name = "UsageError";
}
