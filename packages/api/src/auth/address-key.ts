import { isIPv4, isIPv6 } from "node:net";

/**
 * The throttling key of a client address: IPv4 as is (also when IPv4-mapped, `::ffff:a.b.c.d`),
 * IPv6 by its /64 — one subscriber usually holds a whole /64, so keying by full address would
 * give each of them 2^64 fresh budgets.
 */
export function addressKey(address: string): string {
  const bare = address.replace(/%.*$/, "").toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (!isIPv6(bare)) return bare;
  const [head = "", tail] = bare.split("::");
  const split = (part: string) => (part === "" ? [] : part.split(":"));
  // An embedded IPv4 tail (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) fills two groups.
  const width = (groups: string[]) => groups.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
  const leading = split(head);
  const trailing = split(tail ?? "");
  const zeros = tail === undefined ? 0 : 8 - width(leading) - width(trailing);
  const groups = [...leading, ...Array.from({ length: zeros }, () => "0"), ...trailing];
  const prefix = groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, ""));
  return `${prefix.join(":")}::/64`;
}
