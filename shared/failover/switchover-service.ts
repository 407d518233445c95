import { drillTargets } from "../drills/evaluate.ts";
import { ConflictError, GovdrError, NotFoundError } from "../errors.ts";
import type { SessionClaims } from "../identity/session-token.ts";
import type { FailoverPolicy } from "../policies/policy-schema.ts";
import type { RouteRecord, RouteStore, Site } from "../routing/route.ts";
import { newId } from "../stores/ids.ts";
import type { SystemStore } from "../stores/stores.ts";
import type { ProtectedSystem } from "../systems/system.ts";
import { requireSystem } from "../systems/system-service.ts";
import { isEnded, type SwitchKind, type Switchover, type SwitchSystem, systemsOf } from "./switchover.ts";
import type { SwitchoverStore } from "./switchover-store.ts";
import { checkWaves, planWaves } from "./waves.ts";

/** Runs statemachines/failover.asl.json or failback.asl.json, one execution per switchover. */
export interface SwitchoverRunner {
  executionArnOf(kind: SwitchKind, switchId: string): string;
  start(switchover: Switchover): Promise<void>;
}

/** The approval gate's callback (Step Functions SendTaskSuccess / SendTaskFailure). */
export interface ApprovalGate {
  approve(token: string, output: unknown): Promise<void>;
  reject(token: string, error: string, cause: string): Promise<void>;
}

export interface SwitchoverDeps {
  switchovers: SwitchoverStore;
  systems: Pick<SystemStore, "get" | "getPolicy">;
  routes: Pick<RouteStore, "get">;
  runner: SwitchoverRunner;
  gate: ApprovalGate;
  now: () => Date;
}

export interface SwitchoverRequest {
  /** The systems to switch; waves are planned from their priorities and dependencies. */
  systems?: string[];
  /** Or the waves as the caller wrote them (each after the systems it depends on). */
  waves?: string[][];
  reason?: string;
}

/** Who or what starts a switchover. */
export interface Starter {
  tenantId: string;
  requestedBy: string;
  trigger: Switchover["trigger"];
  /** When the incident was declared (a breach's first missed heartbeat); default: now. */
  declaredAt?: Date;
}

/** How long a switchover holds its systems at most, beyond its approval: one that died frees them after. */
const slotMs = 6 * 3600_000;
const defaultApprovalMinutes = 60;

/** The active site of a system: its route record, or the primary while it never switched. */
export const activeSiteOf = (route: RouteRecord | undefined): Site => route?.activeSite ?? "primary";

interface Member {
  system: ProtectedSystem;
  policy: FailoverPolicy;
}

/** Failovers and failbacks as units start, approve and follow them (R-FO-03, R-FO-08). */
export class SwitchoverService {
  constructor(private readonly deps: SwitchoverDeps) {}

  private async member(tenantId: string, systemId: string, from: Site): Promise<Member> {
    const system = requireSystem(await this.deps.systems.get(tenantId, systemId), systemId);
    if (system.policyVersion === 0) {
      throw new ConflictError(
        `System ${systemId} has no DR policy yet; set one before a switchover`,
        "NO_POLICY",
      );
    }
    const record = await this.deps.systems.getPolicy(tenantId, systemId, system.policyVersion);
    if (!record)
      throw new GovdrError("INTERNAL", `Policy v${system.policyVersion} of ${systemId} is missing`);
    const policy = record.policy.failover;
    const missing = [
      ...(system.healthEndpoint ? [] : ["the system's healthEndpoint (the primary site's health check)"]),
      ...(policy.drHealthEndpoint
        ? []
        : ["the policy's failover.drHealthEndpoint (the DR site's health check)"]),
    ];
    if (missing.length > 0) {
      throw new ConflictError(
        `System ${systemId} cannot be switched over without ${missing.join(" and ")}`,
        "FAILOVER_NOT_CONFIGURED",
      );
    }
    const active = activeSiteOf(await this.deps.routes.get(tenantId, systemId));
    if (active !== from) {
      throw new ConflictError(
        from === "primary"
          ? `System ${systemId} is already served by its DR site; fail it back first`
          : `System ${systemId} is served by its primary site; there is nothing to fail back`,
        "WRONG_ACTIVE_SITE",
      );
    }
    return { system, policy };
  }

  /** Starts a failover (to the DR site) or a failback (to the primary) of the request's systems. */
  async start(starter: Starter, kind: SwitchKind, request: SwitchoverRequest, failoverId?: string) {
    const now = this.deps.now();
    const from: Site = kind === "failover" ? "primary" : "dr";
    const ids = request.waves ? request.waves.flat() : [...new Set(request.systems ?? [])];
    const members = new Map<string, Member>();
    for (const id of ids) members.set(id, await this.member(starter.tenantId, id, from));
    const planned = [...members.values()].map(({ system }) => ({
      systemId: system.systemId,
      recoveryPriority: system.recoveryPriority as number,
      dependsOn: system.dependsOn,
    }));
    let waves: string[][];
    if (request.waves) {
      checkWaves(request.waves, planned, kind === "failover" ? "forward" : "reverse");
      waves = request.waves;
    } else {
      // A failback undoes the failover's order: dependents go back first, their dependencies last.
      waves = kind === "failover" ? planWaves(planned) : planWaves(planned).reverse();
    }
    const policies = [...members.values()].map((m) => m.policy);
    const automatic =
      starter.trigger === "heartbeat" &&
      kind === "failover" &&
      policies.every((p) => p.mode === "automatic" && !p.approvalRequired);
    const approvalMinutes = Math.min(
      ...policies.map((p) => p.approvalTimeoutMinutes ?? defaultApprovalMinutes),
    );
    const switchId = newId("f");
    const switchover: Switchover = {
      tenantId: starter.tenantId,
      switchId,
      kind,
      trigger: starter.trigger,
      requestedBy: starter.requestedBy,
      reason: request.reason ?? "",
      status: "running",
      phase: "precheck",
      declaredAt: (starter.declaredAt ?? now).toISOString(),
      startedAt: now.toISOString(),
      approval: {
        required: !automatic,
        timeoutMinutes: approvalMinutes,
        reason: automatic
          ? "automatic failover on a heartbeat breach: every policy says automatic, without approval"
          : kind === "failback"
            ? "a failback switches production back: it waits for approval after the resync"
            : starter.trigger === "heartbeat"
              ? "a heartbeat breach of a system whose policy asks for approval"
              : "a switchover a person started waits for approval",
      },
      waves: waves.map((wave, index) => ({
        index,
        status: "pending",
        systems: wave.map((id): SwitchSystem => {
          const { system } = members.get(id) as Member;
          return {
            systemId: id,
            name: system.name,
            importanceClass: system.importanceClass as number,
            recoveryPriority: system.recoveryPriority as number,
            targets: drillTargets(system),
            from,
            to: kind === "failover" ? "dr" : "primary",
            status: "pending",
            steps: [],
          };
        }),
      })),
      ...(failoverId ? { failoverId } : {}),
      executionArn: this.deps.runner.executionArnOf(kind, switchId),
      version: 1,
    };
    const slotUntil = new Date(now.getTime() + approvalMinutes * 60_000 + slotMs);
    await this.deps.switchovers.start(switchover, slotUntil);
    try {
      await this.deps.runner.start(switchover);
    } catch (error) {
      await this.deps.switchovers.update({
        ...switchover,
        status: "failed",
        phase: "done",
        finishedAt: this.deps.now().toISOString(),
        error: {
          code: "DEPENDENCY_UNAVAILABLE",
          message: `It could not be started: ${(error as Error).message}`,
        },
        version: 2,
      });
      throw new GovdrError("DEPENDENCY_UNAVAILABLE", "The switchover could not be started; try again", {
        cause: error,
      });
    }
    return switchover;
  }

  /** A failback of the systems a failover moved, in the reverse of its waves. */
  async failBack(starter: Starter, failoverId: string, reason?: string) {
    const failover = await this.get(starter, failoverId);
    if (failover.kind !== "failover") {
      throw new ConflictError(`${failoverId} is a failback, not a failover`, "WRONG_ACTIVE_SITE");
    }
    const moved = failover.waves
      .map((wave) => wave.systems.filter((s) => s.status === "switched").map((s) => s.systemId))
      .filter((wave) => wave.length > 0)
      .reverse();
    if (moved.length === 0) {
      throw new ConflictError(`Failover ${failoverId} moved no system to its DR site`, "WRONG_ACTIVE_SITE");
    }
    return this.start(
      starter,
      "failback",
      { waves: moved, reason: reason ?? `failback of ${failoverId}` },
      failoverId,
    );
  }

  async get(caller: Pick<Starter, "tenantId">, switchId: string): Promise<Switchover> {
    const switchover = await this.deps.switchovers.get(caller.tenantId, switchId);
    if (!switchover) throw new NotFoundError(`No switchover ${switchId}`);
    return switchover;
  }

  /** The switchover as seen from one of its systems: 404 when the system is not part of it. */
  async getForSystem(caller: Pick<Starter, "tenantId">, systemId: string, switchId: string) {
    const switchover = await this.get(caller, switchId);
    if (!systemsOf(switchover).some((s) => s.systemId === systemId)) {
      throw new NotFoundError(`System ${systemId} takes no part in switchover ${switchId}`);
    }
    return switchover;
  }

  list(caller: Pick<Starter, "tenantId">, page: { limit: number; cursor?: string }) {
    return this.deps.switchovers.list(caller.tenantId, page);
  }

  /** Which site serves the system now, and the switchover that last moved it. */
  async route(caller: Pick<Starter, "tenantId">, systemId: string) {
    requireSystem(await this.deps.systems.get(caller.tenantId, systemId), systemId);
    const route = await this.deps.routes.get(caller.tenantId, systemId);
    return route ?? { tenantId: caller.tenantId, systemId, activeSite: "primary" as const, version: 0 };
  }

  /** Fails an open approval gate (the sweep's expiry): the execution goes on to its Finish. */
  rejectAtGate(token: string, error: string, cause: string): Promise<void> {
    return this.deps.gate.reject(token, error, cause);
  }

  /** Approves or rejects a switchover waiting at its approval gate (R-FO-08). */
  async decide(
    caller: Pick<SessionClaims, "tid" | "sub">,
    switchId: string,
    decision: "approved" | "rejected",
    comment = "",
  ): Promise<Switchover> {
    const switchover = await this.get({ tenantId: caller.tid }, switchId);
    const now = this.deps.now();
    const expired =
      !!switchover.approval.expiresAt && Date.parse(switchover.approval.expiresAt) <= now.getTime();
    if (switchover.status !== "awaiting-approval" || expired || isEnded(switchover)) {
      throw new ConflictError(
        expired
          ? `The approval of ${switchId} expired at ${switchover.approval.expiresAt}; start a new switchover`
          : `Switchover ${switchId} is not waiting for an approval (it is ${switchover.status})`,
        "NOT_AWAITING_APPROVAL",
      );
    }
    const token = await this.deps.switchovers.approvalToken(caller.tid, switchId);
    if (!token)
      throw new ConflictError(`Switchover ${switchId} has no approval gate open`, "NOT_AWAITING_APPROVAL");
    const decided: Switchover = {
      ...switchover,
      status: decision === "approved" ? "running" : switchover.status,
      approval: {
        ...switchover.approval,
        decision,
        decidedAt: now.toISOString(),
        decidedBy: caller.sub,
        ...(comment ? { comment } : {}),
      },
      version: switchover.version + 1,
    };
    // The record first: of two deciders at once, one wins the version and the other gets 409.
    await this.deps.switchovers.update(decided);
    try {
      if (decision === "approved") await this.deps.gate.approve(token, { decision, decidedBy: caller.sub });
      else
        await this.deps.gate.reject(token, "SwitchoverRejectedError", comment || `rejected by ${caller.sub}`);
    } catch (error) {
      // The gate did not take the decision: the record must not say it did, so that it can be
      // decided again (or expire) instead of reading "approved" while the execution still waits.
      await this.deps.switchovers
        .update({ ...switchover, version: decided.version + 1 })
        .catch((undo: unknown) =>
          process.stderr.write(
            `switchover ${switchId}: the decision could not be undone: ${(undo as Error).message}\n`,
          ),
        );
      if (["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"].includes((error as Error).name)) {
        throw new ConflictError(
          `Switchover ${switchId} stopped waiting for its approval`,
          "NOT_AWAITING_APPROVAL",
        );
      }
      throw new GovdrError("DEPENDENCY_UNAVAILABLE", "The approval gate could not be reached; decide again", {
        cause: error,
      });
    }
    await this.deps.switchovers.closeApproval(caller.tid, switchId);
    return decided;
  }
}
