import { minuteOfDay, windowMinutes } from "../policies/achievable.ts";
import type { DrPolicy, ReplicationTransport } from "../policies/policy-schema.ts";
import { clockTimeIn } from "../policies/wall-clock.ts";

export type TransferWindow = NonNullable<DrPolicy["replication"]["transferWindow"]>;

/** What of a policy says how its copies travel. */
type TransportOfPolicy = { replication: Pick<DrPolicy["replication"], "transport" | "transferWindow"> };

export const transportOf = (policy: TransportOfPolicy): ReplicationTransport =>
  policy.replication.transport ?? "native";

/**
 * How a unit's repository reaches the DR vault. Its systems share packs (deduplication), so the
 * copy is made per unit, not per system (D-42): managed when any system asks for it, and held to
 * transfer windows only when every system has one, since a window may delay only what no other
 * system needs now.
 */
export interface UnitTransport {
  transport: ReplicationTransport;
  /** When copies may be sent; undefined: at any time. */
  windows?: TransferWindow[];
}

export function unitTransport(policies: TransportOfPolicy[]): UnitTransport {
  const transport = policies.some((policy) => transportOf(policy) === "managed") ? "managed" : "native";
  const windows = policies.map((policy) => policy.replication.transferWindow);
  const everyOneWindowed = windows.length > 0 && windows.every((w) => w !== undefined);
  return everyOneWindowed && transport === "managed"
    ? { transport, windows: windows as TransferWindow[] }
    : { transport };
}

/** Seconds until one of the windows is open: 0 when one is open now or there are none. */
export function secondsUntilWindowOpens(windows: readonly TransferWindow[] | undefined, now: Date): number {
  if (!windows || windows.length === 0) return 0;
  const waits = windows.map((window) => {
    const sinceStart =
      (minuteOfDay(clockTimeIn(now, window.timezone)) - minuteOfDay(window.start) + 1440) % 1440;
    if (sinceStart < windowMinutes(window)) return 0;
    // Whole minutes until the start, less the seconds already gone in this minute.
    return (1440 - sinceStart) * 60 - now.getUTCSeconds();
  });
  return Math.max(0, Math.min(...waits));
}
