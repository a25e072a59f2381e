import { z } from "zod";

/** Every business id is `<prefix>_<20 base32 chars>`; the prefix says what it names. */
export const ID_PREFIXES = {
  tenant: "ten",
  user: "usr",
  order: "ord",
  cluster: "cls",
  instance: "ins",
  storagePool: "stp",
  apiKey: "key",
  network: "net",
  event: "evt",
  allocation: "alc",
  request: "req",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type Id<K extends IdKind> = `${(typeof ID_PREFIXES)[K]}_${string}` & { readonly __brand: K };

export type TenantId = Id<"tenant">;
export type UserId = Id<"user">;
export type OrderId = Id<"order">;
export type ClusterId = Id<"cluster">;
export type EventId = Id<"event">;
export type InstanceId = Id<"instance">;
export type StoragePoolId = Id<"storagePool">;
export type ApiKeyId = Id<"apiKey">;
export type NetworkId = Id<"network">;

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const BODY_LENGTH = 20;

/** Makes a new random id. Not for workflow code (it is not deterministic). */
export function newId<K extends IdKind>(kind: K): Id<K> {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(BODY_LENGTH));
  let body = "";
  for (const b of bytes) body += ALPHABET[b & 31];
  return `${ID_PREFIXES[kind]}_${body}` as Id<K>;
}

const patterns = new Map<IdKind, RegExp>();
function patternFor(kind: IdKind): RegExp {
  let re = patterns.get(kind);
  if (!re) {
    re = new RegExp(`^${ID_PREFIXES[kind]}_[${ALPHABET}]{${BODY_LENGTH}}$`);
    patterns.set(kind, re);
  }
  return re;
}

export function isId<K extends IdKind>(kind: K, value: unknown): value is Id<K> {
  return typeof value === "string" && patternFor(kind).test(value);
}

/** Zod schema accepting exactly one kind of id, typed as its brand. */
export function idSchema<K extends IdKind>(kind: K) {
  return z
    .string()
    .regex(patternFor(kind), { message: `must be a ${ID_PREFIXES[kind]}_ id` })
    .transform((v) => v as Id<K>);
}
