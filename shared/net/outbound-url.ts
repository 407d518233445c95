import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { ValidationError } from "../errors.ts";

/**
 * Addresses a call the platform makes on a unit's behalf (a heartbeat probe, a webhook) must not
 * reach: the platform's own network, the cloud's metadata service, loopback (D-46). A unit's
 * endpoints are public or on the gov-cloud's own routed ranges, never on the platform's side.
 */
const refused = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  refused.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  // IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96, 64:ff9b:1::/48) and 6to4 (2002::/16)
  // addresses can carry a private IPv4 address: refused whole rather than decoded.
  ["::", 96],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  refused.addSubnet(network, prefix, "ipv6");
}

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

export interface OutboundRules {
  /** The local stage only: the emulator, the demo service and tests all live on 127.0.0.1. */
  allowLoopback: boolean;
}

function allowedAddress(address: string, rules: OutboundRules): boolean {
  const family = isIP(address) === 6 ? "ipv6" : "ipv4";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return allowedAddress(mapped, rules);
  if (rules.allowLoopback && loopback.check(address, family)) return true;
  return !refused.check(address, family);
}

/**
 * Resolves the URL's host and refuses it (ValidationError naming `field`) when any address it
 * resolves to is one the platform must not call. Returns the URL parsed.
 */
export async function checkOutboundUrl(url: string, field: string, rules: OutboundRules): Promise<URL> {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host)
    ? [host]
    : (await lookup(host, { all: true, verbatim: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) {
    throw new ValidationError(`${parsed.host} does not resolve`, [
      { path: field, message: `${parsed.host} has no address` },
    ]);
  }
  const blocked = addresses.find((address) => !allowedAddress(address, rules));
  if (blocked) {
    throw new ValidationError(`${parsed.host} resolves to an address the platform does not call`, [
      {
        path: field,
        message: `${parsed.host} resolves to ${blocked}, a private, loopback or link-local address; give the endpoint's public or gov-cloud address`,
      },
    ]);
  }
  return parsed;
}
