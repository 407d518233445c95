import {
  type Change,
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandOutput,
  type ResourceRecordSet,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import type { FailoverPolicy } from "../policies/policy-schema.ts";
import { RouteSwitchFailedError } from "./errors.ts";
import { otherSite, type RouteAdapter, type RouteTarget, type Site, type SiteAction } from "./route.ts";

type Route53Policy = NonNullable<FailoverPolicy["route53"]>;

/**
 * Route 53's answers that mean "too many requests now", which the SDK already retried: they stay as
 * they are (a retried task tries again later), every other refusal is a RouteSwitchFailedError.
 */
const throttlingNames = [
  "Throttling",
  "ThrottlingException",
  "PriorRequestNotComplete",
  "TooManyRequestsException",
];

export interface Route53AdapterOptions {
  /** How long a submitted change may take to become INSYNC (AWS: typically under 60 s). */
  insyncTimeoutMs?: number;
  /** How often GetChange is asked meanwhile. */
  pollIntervalMs?: number;
}

/** The two failover record sets' identifiers: named by their role, so a switch only moves values. */
export const setIdentifiers = (systemId: string) => ({
  PRIMARY: `govdr-${systemId}-primary`,
  SECONDARY: `govdr-${systemId}-secondary`,
});

const bareName = (name: string) => name.toLowerCase().replace(/\.$/, "");
const bareValue = (type: string, value: string) => (type === "CNAME" ? bareName(value) : value);

/**
 * The `route53` adapter (DESIGN.md §Orchestration): `recordName` is a pair of Route 53 failover
 * record sets, PRIMARY pointing at the site that serves and SECONDARY at the other. Neither has a
 * health check, so Route 53 always answers PRIMARY: which site serves is the switchover's decision,
 * never Route 53's. A switch UPSERTs both in one change batch, after reading them: when they already
 * point where asked it submits nothing (a retried task adds no change), else it waits for INSYNC.
 */
export class Route53Adapter implements RouteAdapter {
  private readonly insyncTimeoutMs: number;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly route53: Route53Client,
    options: Route53AdapterOptions = {},
  ) {
    this.insyncTimeoutMs = options.insyncTimeoutMs ?? 180_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 2_000;
  }

  async switchTo(target: RouteTarget, to: Site): Promise<{ detail: string }> {
    const policy = target.policy.route53;
    if (!policy) {
      throw new RouteSwitchFailedError(`The failover policy of ${target.systemId} has no route53 settings`);
    }
    const zoneId = policy.hostedZoneId.replace(/^\/hostedzone\//, "");
    const wanted = this.recordSets(target.systemId, policy, to);
    const name = `${policy.recordName} ${policy.recordType} in ${zoneId}`;
    try {
      const existing = await this.existingSets(zoneId, policy);
      const current = (role: "PRIMARY" | "SECONDARY") =>
        existing.find((set) => set.SetIdentifier === wanted[role].SetIdentifier);
      if (matches(current("PRIMARY"), wanted.PRIMARY) && matches(current("SECONDARY"), wanted.SECONDARY)) {
        return {
          detail: `route53: ${name} already answers the ${to} site (${targetOf(policy, to)}); no change submitted`,
        };
      }
      // A plain record of the same name and type (the unit's own, before it chose failover) cannot
      // live beside failover records: it is replaced in the same batch, so no moment lacks an answer.
      const plain = existing.filter((set) => set.SetIdentifier === undefined);
      const changes: Change[] = [
        ...plain.map((set): Change => ({ Action: "DELETE", ResourceRecordSet: set })),
        { Action: "UPSERT", ResourceRecordSet: wanted.PRIMARY },
        { Action: "UPSERT", ResourceRecordSet: wanted.SECONDARY },
      ];
      const { ChangeInfo } = await this.route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Comment: `govdr switchover ${target.switchId}: ${target.systemId} to ${to}`.slice(0, 256),
            Changes: changes,
          },
        }),
      );
      if (!ChangeInfo?.Id) throw new Error("ChangeResourceRecordSets returned no change id");
      const changeId = ChangeInfo.Id.replace(/^\/change\//, "");
      if (ChangeInfo.Status !== "INSYNC") await this.untilInsync(changeId, name);
      return {
        detail: `route53: ${name} now answers the ${to} site (${targetOf(policy, to)}), change ${changeId} INSYNC${
          plain.length ? "; the plain record of that name was replaced by the failover pair" : ""
        }`,
      };
    } catch (error) {
      if (error instanceof RouteSwitchFailedError) throw error;
      if (throttlingNames.includes((error as Error).name)) throw error;
      throw new RouteSwitchFailedError(
        `Route 53 could not point ${name} at the ${to} site: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  async act(target: RouteTarget, action: SiteAction, site: Site): Promise<{ detail: string }> {
    return {
      detail: `route53: ${action} of the ${site} site recorded for ${target.systemId}; Route 53 has no channel to the unit's hosts, so the unit carries it out itself`,
    };
  }

  private recordSets(systemId: string, policy: Route53Policy, serving: Site) {
    const ids = setIdentifiers(systemId);
    const set = (role: "PRIMARY" | "SECONDARY", site: Site): ResourceRecordSet => ({
      Name: policy.recordName,
      Type: policy.recordType,
      SetIdentifier: ids[role],
      Failover: role,
      TTL: policy.ttlSeconds ?? 60,
      ResourceRecords: [{ Value: targetOf(policy, site) }],
    });
    return { PRIMARY: set("PRIMARY", serving), SECONDARY: set("SECONDARY", otherSite(serving)) };
  }

  /** Every record set of `recordName` and `recordType` (all routing policies), following pages. */
  private async existingSets(zoneId: string, policy: Route53Policy): Promise<ResourceRecordSet[]> {
    const sets: ResourceRecordSet[] = [];
    let start: { name: string; type: string; identifier?: string } | undefined = {
      name: policy.recordName,
      type: policy.recordType,
    };
    while (start) {
      const page: ListResourceRecordSetsCommandOutput = await this.route53.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: start.name,
          StartRecordType: start.type as ResourceRecordSet["Type"],
          StartRecordIdentifier: start.identifier,
          MaxItems: 10,
        }),
      );
      const same = (set: { Name?: string; Type?: string }) =>
        bareName(set.Name ?? "") === bareName(policy.recordName) && set.Type === policy.recordType;
      const listed = page.ResourceRecordSets ?? [];
      sets.push(...listed.filter(same));
      const next = { Name: page.NextRecordName, Type: page.NextRecordType };
      start =
        page.IsTruncated && listed.every(same) && same(next) && page.NextRecordName && page.NextRecordType
          ? { name: page.NextRecordName, type: page.NextRecordType, identifier: page.NextRecordIdentifier }
          : undefined;
    }
    return sets;
  }

  private async untilInsync(changeId: string, name: string): Promise<void> {
    const deadline = Date.now() + this.insyncTimeoutMs;
    for (;;) {
      const { ChangeInfo } = await this.route53.send(new GetChangeCommand({ Id: changeId }));
      if (ChangeInfo?.Status === "INSYNC") return;
      if (Date.now() >= deadline) {
        throw new RouteSwitchFailedError(
          `Route 53 accepted change ${changeId} for ${name}, but it was not INSYNC after ${this.insyncTimeoutMs / 1000} s`,
        );
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(this.pollIntervalMs, deadline - Date.now())),
      );
    }
  }
}

const targetOf = (policy: Route53Policy, site: Site) =>
  site === "primary" ? policy.primaryTarget : policy.drTarget;

/** A listed record set already holds what `wanted` would write (names and CNAME values: any case). */
function matches(listed: ResourceRecordSet | undefined, wanted: ResourceRecordSet): boolean {
  if (!listed) return false;
  const values = (set: ResourceRecordSet) =>
    (set.ResourceRecords ?? []).map((record) => bareValue(set.Type ?? "", record.Value ?? "")).sort();
  return (
    listed.Failover === wanted.Failover &&
    Number(listed.TTL) === wanted.TTL &&
    listed.HealthCheckId === undefined &&
    listed.AliasTarget === undefined &&
    JSON.stringify(values(listed)) === JSON.stringify(values(wanted))
  );
}
