import { z } from "zod";
import { sourceRoleArn } from "../backups/server-sources.ts";
import { replicationModes, switchoverModes } from "../classification/priority-schemes.ts";

export const replicationTransports = ["native", "managed"] as const;
export type ReplicationTransport = (typeof replicationTransports)[number];

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day as HH:MM (24-hour)");
const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "an IANA time zone such as Asia/Shanghai");
const regionName = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "a region name such as cn-northwest-1");

/** When backups run: every N minutes, daily or weekly at a minute, or continuously (R-BK-01). */
export const backupScheduleSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("continuous") }),
  z.object({
    kind: z.literal("every"),
    minutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 1440),
  }),
  z.object({ kind: z.literal("daily"), at: clockTime, timezone }),
  z.object({ kind: z.literal("weekly"), weekday: z.number().int().min(1).max(7), at: clockTime, timezone }),
]);
export type BackupSchedule = z.infer<typeof backupScheduleSchema>;

/** The non-business hours backups may run in (R-BK-08); may wrap midnight (22:00–06:00). */
export const windowSchema = z
  .object({ start: clockTime, end: clockTime, timezone })
  .refine((w) => w.start !== w.end, {
    message: "a window needs different start and end times",
    path: ["end"],
  });

export const backupSourceSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("directory"),
    path: z.string().min(1).max(4096),
    excludes: z.array(z.string().max(512)).max(100).default([]),
  }),
  z.object({ type: z.literal("file"), path: z.string().min(1).max(4096) }),
  z.object({ type: z.literal("stdin"), name: z.string().min(1).max(200) }),
  /**
   * Server-side sources (D-43): the platform reads them itself, assuming `roleArn` (the unit's role,
   * trusting the platform with ExternalId = the unit's id). Optional here so that versions stored
   * before D-43 stay readable; a new policy needs it (shared/backups/policy-rules.ts).
   */
  z.object({
    type: z.literal("s3-prefix"),
    bucket: z.string().min(3).max(63),
    prefix: z.string().max(1024),
    roleArn: sourceRoleArn.optional(),
  }),
  z.object({
    type: z.literal("dynamodb-table"),
    tableArn: z.string().startsWith("arn:"),
    roleArn: sourceRoleArn.optional(),
  }),
]);

const switchRoleArn = z
  .string()
  .regex(
    /^arn:[a-z-]+:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*govdr-switch-[\w+=,.@-]{1,40}$/,
    "the ARN of a role in the unit's account named govdr-switch-<name>, which trusts the platform with ExternalId = the unit's id",
  );
const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);
const dnsName = z
  .string()
  .max(253)
  .regex(
    /^([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/i,
    "a DNS name such as app.example.gov.cn",
  );

/**
 * How business moves to the DR side and back (R-FO-02, R-FO-07; issue #20). Optional fields are
 * optional so that versions stored before them stay readable; newPolicySchema asks for what a
 * switchover needs.
 */
export const failoverPolicySchema = z.object({
  mode: z.enum(switchoverModes),
  approvalRequired: z.boolean(),
  /** 000 §7.5.5(2): probe the system's health endpoint; this many misses in a row is a breach. */
  heartbeat: z
    .object({
      intervalSeconds: z.number().int().min(5).max(3600),
      failureThreshold: z.number().int().min(1).max(100),
      /** How long one probe may take; a slower answer counts as a miss. */
      timeoutSeconds: z.number().int().min(1).max(60).optional(),
    })
    .optional(),
  adapter: z.enum(["route53", "webhook", "record"]),
  /** The DR site's health endpoint: it must answer before the route is switched to it. */
  drHealthEndpoint: httpUrl.optional(),
  /**
   * How the DR site is brought up (D-51): `promote`, the default, a warm standby the unit keeps in
   * step; `restore`, the platform restores the DR vault's latest point into `drData` first, and a
   * failback backs `drData` up and restores it into the primary's S3 source.
   */
  recovery: z.enum(["promote", "restore"]).optional(),
  /**
   * `restore`: the S3 prefix, in the DR region, the DR site serves its data from, written through the
   * unit's role (named govdr-source-<name>, trusting the platform with ExternalId = the unit's id).
   */
  drData: z
    .object({
      bucket: z.string().min(3).max(63),
      prefix: z.string().max(1024),
      roleArn: sourceRoleArn,
    })
    .optional(),
  /** How long a switchover waits for its approval before it stops, switching nothing. */
  approvalTimeoutMinutes: z.number().int().min(5).max(1440).optional(),
  /** `route53`: the failover records of `recordName` in the hosted zone, pointed at either site. */
  route53: z
    .object({
      /**
       * The unit's role the switch runs as (a role in its account named govdr-switch-<name>, trusting
       * the platform with ExternalId = the unit's id): the platform's own credentials change no zone.
       * Optional so that versions stored before it stay readable; a new policy needs it.
       */
      roleArn: switchRoleArn.optional(),
      hostedZoneId: z
        .string()
        .regex(/^(\/hostedzone\/)?[A-Z0-9]{1,32}$/, "a hosted zone id such as Z0123456789ABC"),
      recordName: dnsName,
      recordType: z.enum(["CNAME", "A"]),
      primaryTarget: z.string().min(1).max(253),
      drTarget: z.string().min(1).max(253),
      ttlSeconds: z.number().int().min(1).max(86_400).optional(),
    })
    .optional(),
  /** `webhook`: the unit's switching endpoint (a gov-cloud load balancer API), called HMAC-signed. */
  webhook: z.object({ url: httpUrl }).optional(),
});
export type FailoverPolicy = z.infer<typeof failoverPolicySchema>;

export const drPolicySchema = z.object({
  backup: z.object({
    sources: z.array(backupSourceSchema).min(1).max(50),
    /** 000 §7.5.2(3): full, cumulative incremental (differential) and differential incremental. */
    type: z.enum(["full", "incremental", "differential"]),
    schedule: backupScheduleSchema,
    window: windowSchema.optional(),
  }),
  retention: z.object({
    days: z.number().int().min(1).max(36_500),
    objectLockMode: z.enum(["COMPLIANCE", "GOVERNANCE"]),
  }),
  replication: z.object({
    mode: z.enum(replicationModes),
    site: z.enum(["same-city", "remote"]),
    region: regionName,
    distanceKm: z.number().positive().max(20_000),
    /**
     * How copies reach the DR vault (D-42): S3 replication ("native", the default) or the platform's
     * replicator ("managed", for clouds without S3 replication, or to keep to a transfer window).
     */
    transport: z.enum(replicationTransports).optional(),
    /** 000 §7.5.10(3): when the managed replicator may send data to the DR site. */
    transferWindow: windowSchema.optional(),
  }),
  crypto: z.object({ suite: z.enum(["aes-256-gcm", "sm4-ctr+hmac-sm3"]) }),
  drill: z
    .object({
      type: z.enum(["tabletop", "simulated", "live"]),
      /** 000 §7.5.4(4): the cycle can be set to at most 24 hours. */
      periodMinutes: z.number().int().min(15).max(1440, "a drill cycle of at most 24 hours (1440 minutes)"),
      /** 000 §7.5.4(5): the start time is set to the minute. */
      startAt: clockTime,
      timezone,
    })
    .optional(),
  failover: failoverPolicySchema,
});
export type DrPolicy = z.infer<typeof drPolicySchema>;

/**
 * A policy as it may be set now: a drill cycle must also divide the day (D-41), and only the managed
 * transport keeps to a transfer window (D-42). Kept apart from
 * drPolicySchema, which reads stored versions too: one set before this rule must stay readable.
 */
export const newPolicySchema = drPolicySchema.superRefine((policy, ctx) => {
  if (policy.drill && 1440 % policy.drill.periodMinutes !== 0) {
    ctx.addIssue({
      code: "custom",
      path: ["drill", "periodMinutes"],
      message:
        "a cycle that divides the day (1440 minutes), e.g. 15, 30, 60, 90, 120, 360, 720 or 1440, so that drills start at the same minutes every day",
    });
  }
  const failover = policy.failover;
  if (failover.adapter === "route53" && !failover.route53) {
    ctx.addIssue({
      code: "custom",
      path: ["failover", "route53"],
      message: "the hosted zone, record and both sites' targets the route53 adapter switches between",
    });
  }
  if (failover.adapter === "route53" && failover.route53 && !failover.route53.roleArn) {
    ctx.addIssue({
      code: "custom",
      path: ["failover", "route53", "roleArn"],
      message:
        "the ARN of a role in the unit's account named govdr-switch-<name>, which may change the hosted zone and trusts the platform with ExternalId = the unit's id",
    });
  }
  if (failover.adapter === "webhook" && !failover.webhook) {
    ctx.addIssue({
      code: "custom",
      path: ["failover", "webhook", "url"],
      message: "the unit's switching endpoint the webhook adapter calls",
    });
  }
  const heartbeat = failover.heartbeat;
  if (heartbeat?.timeoutSeconds && heartbeat.timeoutSeconds > heartbeat.intervalSeconds) {
    ctx.addIssue({
      code: "custom",
      path: ["failover", "heartbeat", "timeoutSeconds"],
      message: "at most the probe interval: one probe must end before the next begins",
    });
  }
  if (policy.replication.transferWindow && policy.replication.transport !== "managed") {
    ctx.addIssue({
      code: "custom",
      path: ["replication", "transferWindow"],
      message:
        'a transfer window needs "transport": "managed": S3 replication sends every copy at once and cannot be held to a window',
    });
  }
});
