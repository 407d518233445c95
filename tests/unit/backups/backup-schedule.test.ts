import { describe, expect, it } from "vitest";
import { backupScheduleExpression, serverBackupSchedule } from "../../../shared/backups/backup-schedule.ts";
import { serverSourceFindings } from "../../../shared/backups/policy-rules.ts";
import { serverSourceName } from "../../../shared/backups/server-sources.ts";
import { clockTimeIn } from "../../../shared/policies/wall-clock.ts";

const roleArn = "arn:aws-cn:iam::123456789012:role/govdr-source-portal";
const backup = (sources: object[], schedule: object = { kind: "every", minutes: 60 }) =>
  ({ backup: { sources, type: "incremental", schedule } }) as never;

describe("backup schedules from the policy (R-BK-01 scheduled mode, D-43)", () => {
  it("runs every N minutes as a rate, daily and weekly as a cron in the policy's time zone", () => {
    expect(backupScheduleExpression({ kind: "every", minutes: 45 })).toEqual({
      expression: "rate(45 minutes)",
      timezone: "UTC",
    });
    expect(backupScheduleExpression({ kind: "daily", at: "02:05", timezone: "Asia/Shanghai" })).toEqual({
      expression: "cron(5 2 * * ? *)",
      timezone: "Asia/Shanghai",
    });
    expect(
      backupScheduleExpression({ kind: "weekly", weekday: 7, at: "23:30", timezone: "Asia/Shanghai" }),
    ).toEqual({ expression: "cron(30 23 ? * SUN *)", timezone: "Asia/Shanghai" });
    expect(backupScheduleExpression({ kind: "continuous" })).toBeUndefined();
  });

  it("converts to UTC for schedulers that read crons in UTC, moving the weekday across midnight", () => {
    const monday0130 = { kind: "weekly", weekday: 1, at: "01:30", timezone: "Asia/Shanghai" } as const;

    expect(backupScheduleExpression(monday0130, { inUtc: true })).toEqual({
      expression: "cron(30 17 ? * SUN *)",
      timezone: "UTC",
    });
  });

  it("keeps a schedule only for policies with server-side sources", () => {
    expect(serverBackupSchedule(backup([{ type: "directory", path: "/srv" }]))).toBeUndefined();
    expect(serverBackupSchedule(backup([{ type: "s3-prefix", bucket: "b", prefix: "", roleArn }]))).toEqual({
      kind: "every",
      minutes: 60,
    });
  });

  it("reads the time of day in the window's time zone", () => {
    expect(clockTimeIn(new Date("2026-11-21T16:05:00Z"), "Asia/Shanghai")).toBe("00:05");
  });
});

describe("server-side sources in a policy (D-43)", () => {
  it("needs a role per source, a full table ARN, no platform resource, and a schedule rather than continuous", () => {
    const findings = serverSourceFindings(
      backup(
        [
          { type: "s3-prefix", bucket: "govdr-vault-123456789012-cn-north-1", prefix: "", roleArn },
          { type: "dynamodb-table", tableArn: "arn:orders" },
        ],
        { kind: "continuous" },
      ),
    );

    expect(findings.map((f) => [f.code, f.path])).toEqual([
      ["SOURCE_IS_PLATFORM_RESOURCE", "backup.sources.0.bucket"],
      ["SOURCE_ROLE_REQUIRED", "backup.sources.1.roleArn"],
      ["SOURCE_TABLE_ARN_INVALID", "backup.sources.1.tableArn"],
      ["CONTINUOUS_SERVER_BACKUP", "backup.schedule.kind"],
    ]);
    expect(findings.every((f) => f.severity === "error" && f.message.zh && f.message.en)).toBe(true);
  });

  it("accepts a unit's bucket and table with their roles", () => {
    const tableArn = "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/orders";
    expect(
      serverSourceFindings(
        backup([
          { type: "s3-prefix", bucket: "unit-portal", prefix: "www/", roleArn },
          { type: "dynamodb-table", tableArn, roleArn },
        ]),
      ),
    ).toEqual([]);
  });

  it("names different sources differently, each as one path component", () => {
    const names = [
      serverSourceName({ type: "s3-prefix", bucket: "b", prefix: "a/b", roleArn }),
      serverSourceName({ type: "s3-prefix", bucket: "b", prefix: "a_b", roleArn }),
      serverSourceName({ type: "s3-prefix", bucket: "b", prefix: "", roleArn }),
      serverSourceName({
        type: "dynamodb-table",
        tableArn: "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/orders",
        roleArn,
      }),
    ];
    expect(new Set(names).size).toBe(4);
    expect(names.every((name) => !name.includes("/") && Buffer.byteLength(name) <= 255)).toBe(true);
  });
});
