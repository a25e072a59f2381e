import { isIPv4, isIPv6 } from "node:net";
import { z } from "zod";
import { text } from "../../text-schema.ts";

/** `a.b.c.d/n` or an IPv6 prefix, with the host bits zero (a network, not an address). */
function isNetworkCidr(value: string): boolean {
  const [address, bits, ...rest] = value.split("/");
  if (!address || bits === undefined || rest.length > 0 || !/^\d{1,3}$/.test(bits)) return false;
  const prefix = Number(bits);
  if (isIPv4(address)) {
    if (prefix > 32) return false;
    const n = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const hostBits = 32 - prefix;
    return hostBits === 0 || n % 2 ** hostBits === 0;
  }
  return isIPv6(address) && prefix <= 128;
}

export const cidrSchema = z
  .string()
  .max(64)
  .refine(isNetworkCidr, "must be a network in CIDR notation, e.g. 10.0.0.0/16");

/** A dedicated network's own range: private IPv4 (RFC 1918), /16 to /28. */
export const privateCidrSchema = cidrSchema.refine((value) => {
  const [address = "", bits = "0"] = value.split("/");
  const prefix = Number(bits);
  const [a = 0, b = 0] = address.split(".").map(Number);
  const isPrivate = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  return isIPv4(address) && isPrivate && prefix >= 16 && prefix <= 28;
}, "must be a private IPv4 range (10/8, 172.16/12, 192.168/16) between /16 and /28");

const port = z.number().int().min(1).max(65535);

export const firewallRuleSchema = z
  .strictObject({
    direction: z.enum(["ingress", "egress"]),
    protocol: z.enum(["tcp", "udp", "icmp", "any"]),
    ports: z.strictObject({ from: port, to: port }).optional(),
    cidr: cidrSchema,
    action: z.enum(["allow", "deny"]),
    description: text({ max: 200 }).optional(),
  })
  .refine((r) => !r.ports || r.ports.from <= r.ports.to, {
    message: "ports.from must be ≤ ports.to",
    path: ["ports"],
  })
  .refine((r) => !r.ports || r.protocol === "tcp" || r.protocol === "udp", {
    message: "ports apply to tcp and udp only",
    path: ["ports"],
  });

export const firewallRulesSchema = z.array(firewallRuleSchema).max(200);
