import type { AuditLog } from "../audit/audit-log.ts";
import { serviceAuditEvent } from "../audit/service-event.ts";
import type { DrillNotifier } from "../drills/drill-steps.ts";
import { GovdrError } from "../errors.ts";
import type { HeartbeatState, HeartbeatTarget } from "../heartbeat/heartbeat.ts";
import type { HeartbeatHandlers } from "../heartbeat/monitor.ts";
import type { SystemStore } from "../stores/stores.ts";
import type { SwitchoverService } from "./switchover-service.ts";

export interface BreachDeps {
  switchovers: Pick<SwitchoverService, "start">;
  systems: Pick<SystemStore, "get" | "getPolicy">;
  notifier: DrillNotifier;
  audit: Pick<AuditLog, "record">;
  now: () => Date;
  region: string;
}

/** Conflicts that mean the breach is already being dealt with (or was): nothing more to start. */
const handledAlready = ["FAILOVER_RUNNING", "WRONG_ACTIVE_SITE"];

/**
 * What a heartbeat breach does (R-FO-02): a policy that switches over (automatic or manual) starts
 * a failover at once — automatic ones without approval, the others waiting at the approval gate,
 * whose notification asks for it; `restore-from-dr` policies only raise the alarm. Either way the
 * unit is told and the breach is audited. Called again after a crash, it starts nothing twice.
 */
export function breachHandlers(deps: BreachDeps): HeartbeatHandlers {
  const audit = (target: HeartbeatTarget, eventName: string, detail: Record<string, unknown>) =>
    deps.audit.record(
      target.tenantId,
      serviceAuditEvent({
        service: "govdr-heartbeat",
        tenantId: target.tenantId,
        eventSource: "failovers.govdr",
        eventName,
        at: deps.now(),
        region: deps.region,
        requestParameters: { systemId: target.systemId, url: target.url },
        responseElements: detail,
        resources: [{ type: "govdr::system", id: target.systemId }],
      }),
    );
  return {
    onBreach: async (target: HeartbeatTarget, state: HeartbeatState) => {
      const system = await deps.systems.get(target.tenantId, target.systemId);
      const record =
        system && (await deps.systems.getPolicy(target.tenantId, target.systemId, system.policyVersion));
      if (!system || !record) return;
      const policy = record.policy.failover;
      let switchId: string | undefined;
      let outcome: string;
      if (policy.mode === "restore-from-dr") {
        outcome = "alarm only: the policy restores from the DR vault rather than switching over";
      } else {
        try {
          const started = await deps.switchovers.start(
            {
              tenantId: target.tenantId,
              requestedBy: "govdr-heartbeat",
              trigger: "heartbeat",
              declaredAt: new Date(state.firstFailureAt ?? state.breachedAt ?? deps.now().toISOString()),
            },
            "failover",
            {
              systems: [target.systemId],
              reason: `heartbeat breach: ${state.consecutiveFailures} probes of ${target.url} missed in a row since ${state.firstFailureAt}`,
            },
          );
          switchId = started.switchId;
          outcome = started.approval.required
            ? "failover started, waiting for approval"
            : "automatic failover started";
        } catch (error) {
          if (!(error instanceof GovdrError)) throw error;
          // A switchover under way or done already; or one the platform cannot start (no DR
          // endpoint, no policy): the unit is told either way, and only a passing error retries.
          if (error.code === "DEPENDENCY_UNAVAILABLE") throw error;
          outcome = handledAlready.includes(error.code)
            ? `no new failover: ${error.message}`
            : `alarm only: the failover cannot start (${error.code}: ${error.message})`;
        }
      }
      await deps.notifier.publish(target.tenantId, {
        kind: "heartbeat-breach",
        subject: `govdr: ${system.name} missed ${state.consecutiveFailures} heartbeats`,
        text: [
          `${system.name} (${system.systemId}) missed ${state.consecutiveFailures} heartbeats in a row since ${state.firstFailureAt}.`,
          `Probe: ${target.url} (${state.lastError ?? "no answer"})`,
          `What the platform did: ${outcome}.`,
          ...(switchId ? [`Follow it: GET /failovers/${switchId}`] : []),
        ].join("\n"),
        data: {
          systemId: system.systemId,
          switchId: switchId ?? null,
          firstFailureAt: state.firstFailureAt ?? null,
        },
      });
      await audit(target, "HeartbeatBreached", {
        consecutiveFailures: state.consecutiveFailures,
        firstFailureAt: state.firstFailureAt ?? null,
        outcome,
        switchId: switchId ?? null,
      });
    },
    onRecovery: async (target: HeartbeatTarget, state: HeartbeatState) => {
      await deps.notifier.publish(target.tenantId, {
        kind: "heartbeat-recovered",
        subject: `govdr: ${target.systemId} answers its heartbeat again`,
        text: `${target.url} answered again at ${state.recoveredAt ?? state.lastOkAt}.`,
        data: { systemId: target.systemId, recoveredAt: state.recoveredAt ?? null },
      });
      await audit(target, "HeartbeatRecovered", { recoveredAt: state.recoveredAt ?? null });
    },
  };
}
