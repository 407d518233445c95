import { prioritySchemeSpec } from "../../../../shared/classification/priority-schemes.ts";
import type { RecoveryPriority } from "../../../../shared/classification/scales.ts";
import { limitSeconds, meets, type Target } from "../../../../shared/classification/targets.ts";
import { achievableRpo } from "../../../../shared/policies/achievable.ts";
import type { DrPolicy } from "../../../../shared/policies/policy-schema.ts";
import {
  defaultSiteRuleSet,
  type SiteRuleSet,
  siteRuleSets,
} from "../../../../shared/policies/site-rules.ts";
import type { paths } from "../../api/generated/openapi.ts";
import type { Bilingual } from "../../i18n/messages.ts";
import type {
  Adapter,
  Architecture,
  BackupType,
  DrillType,
  ObjectLockMode,
  ScheduleKind,
  Site,
  SourceType,
  Suite,
  Transport,
} from "./labels.ts";
import { systemTargets } from "./system-model.ts";

/**
 * The policy form's model (no JSX, no DOM): every field of the policy schema
 * (shared/policies/policy-schema.ts newPolicySchema) as the user types it, defaults that the API's
 * rules accept for the system's class, level and priority, and the body sent to
 * PUT /systems/{systemId}/policy. Unit-tested in tests/unit/web/systems-model.test.ts against the
 * API's own schema and rules.
 */

export type PolicyBody =
  paths["/systems/{systemId}/policy"]["put"]["requestBody"]["content"]["application/json"];

type ReplicationMode = DrPolicy["replication"]["mode"];
type SwitchoverMode = DrPolicy["failover"]["mode"];

export interface SourceDraft {
  /** Keeps the list's items apart while they are added and removed (not sent). */
  key: string;
  type: SourceType;
  path: string;
  /** One excluded path a line. */
  excludes: string;
  name: string;
  bucket: string;
  prefix: string;
  tableArn: string;
  roleArn: string;
}

export interface WindowDraft {
  start: string;
  end: string;
  timezone: string;
}

/** The S3 prefix in the DR region the DR site serves its data from (recovery by restore, D-51). */
export interface DrDataDraft {
  bucket: string;
  prefix: string;
  roleArn: string;
}
export const emptyDrData: DrDataDraft = { bucket: "", prefix: "", roleArn: "" };

export interface PolicyDraft {
  sources: SourceDraft[];
  backupType: BackupType;
  scheduleKind: ScheduleKind;
  everyMinutes: string;
  at: string;
  weekday: string;
  scheduleTimezone: string;
  windowOn: boolean;
  window: WindowDraft;
  retentionDays: string;
  objectLockMode: ObjectLockMode;
  replicationMode: ReplicationMode;
  site: Site;
  region: string;
  distanceKm: string;
  transport: Transport;
  transferWindowOn: boolean;
  transferWindow: WindowDraft;
  suite: Suite;
  drillOn: boolean;
  drillType: DrillType;
  drillPeriodMinutes: string;
  drillStartAt: string;
  drillTimezone: string;
  failoverMode: SwitchoverMode;
  approvalRequired: boolean;
  heartbeatOn: boolean;
  heartbeatIntervalSeconds: string;
  heartbeatFailureThreshold: string;
  /** Empty: the platform's default probe timeout (5 s). */
  heartbeatTimeoutSeconds: string;
  adapter: Adapter;
  /** The DR site's health endpoint, checked before the route moves to it. */
  drHealthEndpoint: string;
  /** "": the policy names none (the platform decides). */
  recovery: "" | "promote" | "restore";
  /** Recovery by restore: the DR site's data location (sent only with it). */
  drData: DrDataDraft;
  /** Empty: the platform's default approval timeout. */
  approvalTimeoutMinutes: string;
  /** The route53 adapter's records (sent only with that adapter). */
  route53: Route53Draft;
  /** The webhook adapter's endpoint (sent only with that adapter). */
  webhookUrl: string;
}

export interface Route53Draft {
  /** The unit's govdr-switch-<name> role the platform switches as. */
  roleArn: string;
  hostedZoneId: string;
  recordName: string;
  recordType: "CNAME" | "A";
  primaryTarget: string;
  drTarget: string;
  /** Empty: the adapter's default TTL. */
  ttlSeconds: string;
}

export const emptyRoute53: Route53Draft = {
  roleArn: "",
  hostedZoneId: "",
  recordName: "",
  recordType: "CNAME",
  primaryTarget: "",
  drTarget: "",
  ttlSeconds: "",
};

/** Schedules are set in the time zone of the unit's data centre; Chinese government clouds run on Beijing time. */
export const defaultTimezone = "Asia/Shanghai";
/** The DR region the defaults name (the platform's DR vault region in China). */
export const defaultDrRegion = "cn-northwest-1";

let sourceKeys = 0;
export function newSource(type: SourceType = "directory"): SourceDraft {
  sourceKeys += 1;
  return {
    key: `source-${sourceKeys}`,
    type,
    path: "",
    excludes: "",
    name: "",
    bucket: "",
    prefix: "",
    tableArn: "",
    roleArn: "",
  };
}

const strongest = <T extends string>(order: readonly T[], ...modes: T[]): T =>
  modes.reduce((best, mode) => (order.indexOf(mode) > order.indexOf(best) ? mode : best));

const replicationOrder: readonly ReplicationMode[] = [
  "scheduled-backup",
  "database-replication-or-cdp",
  "real-time",
];
const switchoverOrder: readonly SwitchoverMode[] = ["restore-from-dr", "manual", "automatic"];

/**
 * A policy that meets the system's targets and its priority's Table 1 scheme, as a starting point:
 * replication and switchover strong enough for the RPO/RTO in force (override or class) and for the
 * priority's minimum, a remote site when the scheme or the architecture asks for one, at a distance
 * the unit's site rules accept, COMPLIANCE lock, Chinese national cryptography, a daily drill.
 */
export function defaultPolicyDraft(
  system: {
    importanceClass: number;
    drLevel: number;
    recoveryPriority: number;
    architecture: Architecture;
    targetOverride?: { rtoSeconds?: number; rpoSeconds?: number } | undefined;
  },
  siteRuleSet: SiteRuleSet = defaultSiteRuleSet,
): PolicyDraft {
  const { required } = systemTargets(system);
  const rpo = limitSeconds(required.rpo);
  const rto = limitSeconds(required.rto);
  const scheme = prioritySchemeSpec(system.recoveryPriority as RecoveryPriority).minimum;
  // Scheduled backups: every N minutes within the RPO (at least 5), daily from a day.
  const everyMinutes = Math.max(5, Math.min(7 * 1440, Math.floor(rpo / 60 / 2) * 2 || 5));
  const byRpo: ReplicationMode =
    required.rpo.kind === "zero"
      ? "real-time"
      : rpo < 5 * 60
        ? "database-replication-or-cdp"
        : "scheduled-backup";
  const byRto: SwitchoverMode = rto <= 15 * 60 ? "automatic" : rto <= 4 * 3600 ? "manual" : "restore-from-dr";
  const replicationMode = strongest(replicationOrder, byRpo, scheme.replication);
  const failoverMode = strongest(switchoverOrder, byRto, scheme.switchover);
  const remote = scheme.remoteDrSystem || !system.architecture.startsWith("same-city");
  const rules = siteRuleSets[siteRuleSet];
  const daily = rpo >= 86_400;
  return {
    sources: [newSource("directory")],
    backupType: "incremental",
    scheduleKind: daily ? "daily" : "every",
    everyMinutes: String(daily ? 60 : everyMinutes),
    at: "02:00",
    weekday: "7",
    scheduleTimezone: defaultTimezone,
    windowOn: false,
    window: { start: "22:00", end: "06:00", timezone: defaultTimezone },
    retentionDays: "180",
    objectLockMode: "COMPLIANCE",
    replicationMode,
    site: remote ? "remote" : "same-city",
    region: defaultDrRegion,
    distanceKm: String(remote ? Math.max(1200, rules.remoteMinKm + 1) : Math.min(30, rules.sameCityMaxKm)),
    transport: "native",
    transferWindowOn: false,
    transferWindow: { start: "20:00", end: "08:00", timezone: defaultTimezone },
    suite: "sm4-ctr+hmac-sm3",
    drillOn: true,
    drillType: "simulated",
    drillPeriodMinutes: "1440",
    drillStartAt: "03:00",
    drillTimezone: defaultTimezone,
    failoverMode,
    approvalRequired: true,
    heartbeatOn: failoverMode === "automatic",
    heartbeatIntervalSeconds: "30",
    heartbeatFailureThreshold: "3",
    heartbeatTimeoutSeconds: "",
    adapter: "record",
    drHealthEndpoint: "",
    recovery: "",
    drData: { ...emptyDrData },
    approvalTimeoutMinutes: "",
    route53: { ...emptyRoute53 },
    webhookUrl: "",
  };
}

/** Text typed into a number field as the number the API expects (NaN, sent as null, when it is none). */
const numberOf = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

/** An optional number field: left out when empty, else the number (NaN for the API to name). */
const optionalNumber = <K extends string>(key: K, text: string): { [P in K]?: number } =>
  (text.trim() === "" ? {} : { [key]: numberOf(text) }) as { [P in K]?: number };

/** An optional text field: left out when empty. */
const optionalText = <K extends string>(key: K, text: string): { [P in K]?: string } =>
  (text.trim() === "" ? {} : { [key]: text.trim() }) as { [P in K]?: string };

const windowOf = (window: WindowDraft) => ({
  start: window.start,
  end: window.end,
  timezone: window.timezone.trim(),
});

function sourceOf(source: SourceDraft): PolicyBody["backup"]["sources"][number] {
  const roleArn = source.roleArn.trim() === "" ? {} : { roleArn: source.roleArn.trim() };
  switch (source.type) {
    case "directory":
      return {
        type: "directory",
        path: source.path.trim(),
        excludes: source.excludes
          .split("\n")
          .map((line) => line.trim())
          .filter((line) => line !== ""),
      };
    case "file":
      return { type: "file", path: source.path.trim() };
    case "stdin":
      return { type: "stdin", name: source.name.trim() };
    case "s3-prefix":
      return { type: "s3-prefix", bucket: source.bucket.trim(), prefix: source.prefix.trim(), ...roleArn };
    case "dynamodb-table":
      return { type: "dynamodb-table", tableArn: source.tableArn.trim(), ...roleArn };
  }
}

function scheduleOf(draft: PolicyDraft): PolicyBody["backup"]["schedule"] {
  switch (draft.scheduleKind) {
    case "continuous":
      return { kind: "continuous" };
    case "every":
      return { kind: "every", minutes: numberOf(draft.everyMinutes) };
    case "daily":
      return { kind: "daily", at: draft.at, timezone: draft.scheduleTimezone.trim() };
    case "weekly":
      return {
        kind: "weekly",
        weekday: numberOf(draft.weekday),
        at: draft.at,
        timezone: draft.scheduleTimezone.trim(),
      };
  }
}

/** The body of PUT /systems/{systemId}/policy: exactly what the form shows, nothing it hides. */
export function draftToPolicy(draft: PolicyDraft): PolicyBody {
  return {
    backup: {
      sources: draft.sources.map(sourceOf),
      type: draft.backupType,
      schedule: scheduleOf(draft),
      ...(draft.windowOn ? { window: windowOf(draft.window) } : {}),
    },
    retention: { days: numberOf(draft.retentionDays), objectLockMode: draft.objectLockMode },
    replication: {
      mode: draft.replicationMode,
      site: draft.site,
      region: draft.region.trim(),
      distanceKm: numberOf(draft.distanceKm),
      ...(draft.transport === "managed" ? { transport: "managed" as const } : {}),
      // Only the managed transport keeps to a window (D-42): the form offers one only then.
      ...(draft.transferWindowOn && draft.transport === "managed"
        ? { transferWindow: windowOf(draft.transferWindow) }
        : {}),
    },
    crypto: { suite: draft.suite },
    ...(draft.drillOn
      ? {
          drill: {
            type: draft.drillType,
            periodMinutes: numberOf(draft.drillPeriodMinutes),
            startAt: draft.drillStartAt,
            timezone: draft.drillTimezone.trim(),
          },
        }
      : {}),
    failover: {
      mode: draft.failoverMode,
      approvalRequired: draft.approvalRequired,
      ...(draft.heartbeatOn
        ? {
            heartbeat: {
              intervalSeconds: numberOf(draft.heartbeatIntervalSeconds),
              failureThreshold: numberOf(draft.heartbeatFailureThreshold),
              ...optionalNumber("timeoutSeconds", draft.heartbeatTimeoutSeconds),
            },
          }
        : {}),
      adapter: draft.adapter,
      ...optionalText("drHealthEndpoint", draft.drHealthEndpoint),
      ...(draft.recovery ? { recovery: draft.recovery } : {}),
      ...(draft.recovery === "restore"
        ? {
            drData: {
              bucket: draft.drData.bucket.trim(),
              prefix: draft.drData.prefix.trim(),
              roleArn: draft.drData.roleArn.trim(),
            },
          }
        : {}),
      ...optionalNumber("approvalTimeoutMinutes", draft.approvalTimeoutMinutes),
      // Each adapter's own settings go only with that adapter: the form hides the others.
      ...(draft.adapter === "route53"
        ? {
            route53: {
              roleArn: draft.route53.roleArn.trim(),
              hostedZoneId: draft.route53.hostedZoneId.trim(),
              recordName: draft.route53.recordName.trim(),
              recordType: draft.route53.recordType,
              primaryTarget: draft.route53.primaryTarget.trim(),
              drTarget: draft.route53.drTarget.trim(),
              ...optionalNumber("ttlSeconds", draft.route53.ttlSeconds),
            },
          }
        : {}),
      ...(draft.adapter === "webhook" ? { webhook: { url: draft.webhookUrl.trim() } } : {}),
    },
  };
}

/** A stored policy as the edit form starts from it (the form's defaults fill what the policy leaves out). */
export function policyToDraft(policy: DrPolicy, fallback: PolicyDraft): PolicyDraft {
  const { backup, replication, drill, failover } = policy;
  const schedule = backup.schedule;
  return {
    ...fallback,
    sources: backup.sources.map((source) => {
      const draft = newSource(source.type);
      if (source.type === "directory")
        return { ...draft, path: source.path, excludes: source.excludes.join("\n") };
      if (source.type === "file") return { ...draft, path: source.path };
      if (source.type === "stdin") return { ...draft, name: source.name };
      if (source.type === "s3-prefix")
        return { ...draft, bucket: source.bucket, prefix: source.prefix, roleArn: source.roleArn ?? "" };
      return { ...draft, tableArn: source.tableArn, roleArn: source.roleArn ?? "" };
    }),
    backupType: backup.type,
    scheduleKind: schedule.kind,
    everyMinutes: schedule.kind === "every" ? String(schedule.minutes) : fallback.everyMinutes,
    at: schedule.kind === "daily" || schedule.kind === "weekly" ? schedule.at : fallback.at,
    weekday: schedule.kind === "weekly" ? String(schedule.weekday) : fallback.weekday,
    scheduleTimezone:
      schedule.kind === "daily" || schedule.kind === "weekly" ? schedule.timezone : fallback.scheduleTimezone,
    windowOn: backup.window !== undefined,
    window: backup.window ? { ...backup.window } : fallback.window,
    retentionDays: String(policy.retention.days),
    objectLockMode: policy.retention.objectLockMode,
    replicationMode: replication.mode,
    site: replication.site,
    region: replication.region,
    distanceKm: String(replication.distanceKm),
    transport: replication.transport ?? "native",
    transferWindowOn: replication.transferWindow !== undefined,
    transferWindow: replication.transferWindow ? { ...replication.transferWindow } : fallback.transferWindow,
    suite: policy.crypto.suite,
    drillOn: drill !== undefined,
    drillType: drill?.type ?? fallback.drillType,
    drillPeriodMinutes: drill ? String(drill.periodMinutes) : fallback.drillPeriodMinutes,
    drillStartAt: drill?.startAt ?? fallback.drillStartAt,
    drillTimezone: drill?.timezone ?? fallback.drillTimezone,
    failoverMode: failover.mode,
    approvalRequired: failover.approvalRequired,
    heartbeatOn: failover.heartbeat !== undefined,
    heartbeatIntervalSeconds: failover.heartbeat
      ? String(failover.heartbeat.intervalSeconds)
      : fallback.heartbeatIntervalSeconds,
    heartbeatFailureThreshold: failover.heartbeat
      ? String(failover.heartbeat.failureThreshold)
      : fallback.heartbeatFailureThreshold,
    heartbeatTimeoutSeconds:
      failover.heartbeat?.timeoutSeconds !== undefined ? String(failover.heartbeat.timeoutSeconds) : "",
    adapter: failover.adapter,
    drHealthEndpoint: failover.drHealthEndpoint ?? "",
    recovery: failover.recovery ?? "",
    drData: failover.drData ? { ...failover.drData } : { ...fallback.drData },
    approvalTimeoutMinutes:
      failover.approvalTimeoutMinutes !== undefined ? String(failover.approvalTimeoutMinutes) : "",
    route53: failover.route53
      ? {
          roleArn: failover.route53.roleArn ?? "",
          hostedZoneId: failover.route53.hostedZoneId,
          recordName: failover.route53.recordName,
          recordType: failover.route53.recordType,
          primaryTarget: failover.route53.primaryTarget,
          drTarget: failover.route53.drTarget,
          ttlSeconds: failover.route53.ttlSeconds !== undefined ? String(failover.route53.ttlSeconds) : "",
        }
      : { ...fallback.route53 },
    webhookUrl: failover.webhook?.url ?? fallback.webhookUrl,
  };
}

// ── What the API said about a policy, by field ──

export interface Issue {
  /** The field, as a dotted path of the policy ("backup.schedule", "backup.sources.0.roleArn"). */
  path: string;
  severity: "error" | "warning" | "info";
  /** The requirement the finding applies (R-CL-02 …); none for a malformed field. */
  rule?: string;
  /** A rule's finding in both languages; a malformed field's message as the API words it (English). */
  message: Bilingual | string;
}

/**
 * The issues of a refused policy: a POLICY_REJECTED answer's findings (each rule's, bilingual; its
 * field errors repeat the error findings, so they are not listed twice), or a VALIDATION_FAILED
 * answer's field errors (a value the schema refuses).
 */
export function issuesOf(error: {
  code: string;
  findings: readonly { rule?: string; severity?: string; path?: string; message?: unknown }[];
  fieldErrors: readonly { path: string; message: string }[];
}): Issue[] {
  if (error.code === "POLICY_REJECTED" && error.findings.length > 0) {
    return error.findings.map((finding) => ({
      path: finding.path ?? "",
      severity: finding.severity === "warning" || finding.severity === "info" ? finding.severity : "error",
      ...(finding.rule ? { rule: finding.rule } : {}),
      message: isBilingual(finding.message) ? finding.message : String(finding.message ?? ""),
    }));
  }
  return error.fieldErrors.map((field) => ({ path: field.path, severity: "error", message: field.message }));
}

/** The issues about exactly this field. */
export const issuesAt = (issues: readonly Issue[], path: string) => issues.filter((i) => i.path === path);

/** Errors first, then warnings, then notes. */
export const bySeverity = (issues: readonly Issue[]) =>
  [...issues].sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);
const severityRank = { error: 0, warning: 1, info: 2 } as const;

const isBilingual = (value: unknown): value is Bilingual =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as Bilingual).zh === "string" &&
  typeof (value as Bilingual).en === "string";

/** The drill cycles that divide the day (D-41), for the form's choice. */
export const drillPeriods = [15, 30, 60, 90, 120, 180, 240, 360, 480, 720, 1440] as const;

/**
 * The RPO the draft can guarantee at the DR site against the RPO in force, as the API's rule
 * computes it (shared/policies/achievable.ts): a hint while the user types, before the API decides.
 * Undefined while a number it needs is not a number yet.
 */
export function rpoPreview(
  draft: PolicyDraft,
  system: Parameters<typeof systemTargets>[0],
): { offered: Target; required: Target; verdict: "yes" | "approximately" | "no" } | undefined {
  const policy = draftToPolicy(draft) as DrPolicy;
  const numbers = [
    policy.backup.schedule.kind === "every" ? policy.backup.schedule.minutes : 0,
    policy.replication.distanceKm,
  ];
  const times = [
    policy.backup.window?.start,
    policy.backup.window?.end,
    policy.replication.transferWindow?.start,
    policy.replication.transferWindow?.end,
  ].filter((time) => time !== undefined);
  if (!numbers.every(Number.isFinite) || !times.every((time) => /^\d\d:\d\d$/.test(time))) return undefined;
  const offered = achievableRpo(policy);
  const required = systemTargets(system).required.rpo;
  return { offered, required, verdict: meets(offered, required) };
}
