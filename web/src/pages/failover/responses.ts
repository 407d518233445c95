import type {
  Switchover,
  SwitchStepRecord,
  SwitchSystem,
  Wave,
} from "../../../../shared/failover/switchover.ts";
import type { HeartbeatSample, HeartbeatState } from "../../../../shared/heartbeat/heartbeat.ts";
import type { RouteRecord } from "../../../../shared/routing/route.ts";
import type { Page } from "../../api/client.ts";

export type { HeartbeatSample, HeartbeatState, Switchover, SwitchStepRecord, SwitchSystem, Wave };

/**
 * Which site serves a system (GET /systems/{systemId}/route): the stored route, or, for a system that
 * never switched, the primary with version 0 and nothing else.
 */
export type RouteView = Pick<RouteRecord, "tenantId" | "systemId" | "activeSite" | "version"> &
  Partial<Pick<RouteRecord, "fencedSite" | "switchId" | "switchedAt" | "adapter">>;

/** The heartbeat's state and a page of its probes, newest first. */
export type HeartbeatView = Page<HeartbeatSample> & { state: HeartbeatState };

/** A new webhook signing secret: shown once. */
export interface WebhookSecret {
  systemId: string;
  secret: string;
  algorithm: string;
  header: string;
}

/** What the routes this page group calls answer (see web/src/api/responses.ts). */
export type FailoverResponses = {
  "POST /systems/{systemId}/failovers": Switchover;
  "POST /failovers": Switchover;
  "GET /failovers": Page<Switchover>;
  "GET /failovers/{failoverId}": Switchover;
  "GET /systems/{systemId}/failovers/{failoverId}": Switchover;
  "POST /failovers/{failoverId}/approve": Switchover;
  "POST /failovers/{failoverId}/reject": Switchover;
  "POST /systems/{systemId}/failbacks": Switchover;
  "POST /failbacks": Switchover;
  "GET /systems/{systemId}/route": RouteView;
  "GET /systems/{systemId}/heartbeats": HeartbeatView;
  "POST /systems/{systemId}/webhook-secret": WebhookSecret;
};
