import { z } from "zod";
import type { FailoverPolicy } from "../policies/policy-schema.ts";

/** The two sites of a system: production, and the DR site it fails over to. */
export const sites = ["primary", "dr"] as const;
export type Site = (typeof sites)[number];
export const otherSite = (site: Site): Site => (site === "primary" ? "dr" : "primary");

/**
 * The platform's routing table (the `record` adapter's whole effect, and what every other adapter
 * also keeps): which site serves the system now. Routers that follow the platform read it.
 */
export const routeRecordSchema = z.object({
  tenantId: z.string().min(1),
  systemId: z.string().min(1),
  activeSite: z.enum(sites),
  /** A fenced site must not take traffic or writes (its route and its data are held off). */
  fencedSite: z.enum(sites).optional(),
  /** The switchover that made the latest change, and when. */
  switchId: z.string().max(64).optional(),
  switchedAt: z.iso.datetime(),
  adapter: z.enum(["route53", "webhook", "record"]),
  version: z.number().int().min(1),
});
export type RouteRecord = z.infer<typeof routeRecordSchema>;

export interface RouteStore {
  /** The system's route; undefined while it never switched (then the primary serves it). */
  get(tenantId: string, systemId: string): Promise<RouteRecord | undefined>;
  /** Writes `record` when the stored one is `record.version - 1` (1: none yet); else STALE_VERSION. */
  put(record: RouteRecord): Promise<void>;
}

/** What an adapter acts on: one system's switch, named by the switchover it belongs to. */
export interface RouteTarget {
  tenantId: string;
  systemId: string;
  /** The switchover's id: an adapter called twice for it does the work once. */
  switchId: string;
  policy: FailoverPolicy;
}

/** Site lifecycle actions a switchover asks of the unit's side, besides moving the route. */
export const siteActions = ["fence", "unfence", "promote", "resync"] as const;
export type SiteAction = (typeof siteActions)[number];

/**
 * A route switch adapter (DESIGN.md §Orchestration): route53, webhook or record. Every call is
 * idempotent: repeating it (a retried task) leaves the same state and adds nothing.
 */
export interface RouteAdapter {
  /** Points the system's route at `to`. Throws RouteSwitchFailedError when it could not. */
  switchTo(target: RouteTarget, to: Site): Promise<{ detail: string }>;
  /**
   * Asks the unit's side for a lifecycle action on `site` (webhook only; the other adapters have no
   * channel to the unit's hosts and answer what the platform did instead).
   */
  act(target: RouteTarget, action: SiteAction, site: Site): Promise<{ detail: string }>;
}
