import { InvalidArgumentError } from "@commander-js/extra-typings";
import {
  ID_PREFIXES,
  isId,
  isScope,
  QUOTA_NAMES,
  SCOPES,
  type Id,
  type IdKind,
  type QuotaName,
  type Scope,
} from "@platforma/contracts";

/** Commander argument parsers: a malformed value is a usage error (exit 2) before any call is made. */
export const idArg =
  <K extends IdKind>(kind: K) =>
  (value: string): Id<K> => {
    if (!isId(kind, value)) throw new InvalidArgumentError(`expected a ${ID_PREFIXES[kind]}_… id`);
    return value;
  };

export function countArg(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number");
  return Number(value);
}

/**
 * A positive number (`5`, `0.5`), or `default` (back to the platform's default). Kept as the word:
 * Commander turns a parser's null into "".
 */
export function rateArg(value: string): number | "default" {
  if (value === "default") return value;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0)
    throw new InvalidArgumentError("expected a positive number, or `default`");
  return Number(value);
}

/** A whole number of at least 1, or `default`. */
export function burstArg(value: string): number | "default" {
  if (value === "default") return value;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError("expected a whole number of at least 1, or `default`");
  return Number(value);
}

/** `max_clusters=20` → [max_clusters, 20]; accumulates over repeated or variadic values. */
export function quotaArg(value: string, previous: Partial<Record<QuotaName, number>> = {}) {
  const match = /^([a-z_]+)=(\d+)$/.exec(value);
  if (!match?.[1] || !match[2])
    throw new InvalidArgumentError("expected <quota>=<amount>, e.g. max_clusters=20");
  const name = match[1] as QuotaName;
  if (!QUOTA_NAMES.includes(name)) {
    throw new InvalidArgumentError(`unknown quota ${match[1]}; one of ${QUOTA_NAMES.join(", ")}`);
  }
  return { ...previous, [name]: Number(match[2]) };
}

/** Values given repeated, space- or comma-separated (`--region a,b` or `--region a b`). */
export const listArg = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean),
];

/** Scopes, repeated or comma-separated, each one the platform knows. */
export function scopesArg(value: string, previous: Scope[] = []): Scope[] {
  const scopes = listArg(value);
  const unknown = scopes.filter((s) => !isScope(s));
  if (unknown.length > 0)
    throw new InvalidArgumentError(`unknown scope ${unknown.join(", ")}; one of ${SCOPES.join(", ")}`);
  return [...previous, ...(scopes as Scope[])];
}
