import { BlockList, isIP } from "node:net";
import { routeDoc } from "../api/routes.ts";

/**
 * Management actions (R-IA-04): every route that changes something, except signing in and out and
 * the other session steps, which must stay reachable to be told why an action was refused.
 */
export function isManagementAction(method: string, resource: string): boolean {
  const doc = routeDoc(method, resource);
  return !!doc && method !== "GET" && doc.family !== "auth";
}

/** Whether `ip` is inside one of the CIDR blocks; an empty list allows every address. */
export function ipAllowed(allowList: readonly string[], ip: string): boolean {
  if (allowList.length === 0) return true;
  const family = isIP(ip);
  if (family === 0) return false;
  const blocks = new BlockList();
  for (const cidr of allowList) {
    const [network = "", prefix = ""] = cidr.split("/");
    const type = isIP(network) === 6 ? "ipv6" : "ipv4";
    blocks.addSubnet(network, Number(prefix), type);
  }
  return blocks.check(ip, family === 6 ? "ipv6" : "ipv4");
}
