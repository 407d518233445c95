import { describe, expect, it } from "vitest";
import { architectures } from "../../../shared/systems/targets-schema.ts";
import {
  architectures as consoleArchitectures,
  policyFieldLabel,
} from "../../../web/src/pages/systems/labels.ts";
import { diffCounts, diffPolicies, leaves } from "../../../web/src/pages/systems/policy-diff.ts";
import { leafText, scheduleText, sourceText } from "../../../web/src/pages/systems/policy-text.ts";

const v1 = {
  backup: {
    sources: [{ type: "directory", path: "/srv/app", excludes: [] }],
    type: "incremental",
    schedule: { kind: "every", minutes: 60 },
  },
  retention: { days: 180, objectLockMode: "COMPLIANCE" },
  drill: { type: "simulated", periodMinutes: 1440, startAt: "03:00", timezone: "Asia/Shanghai" },
  failover: { mode: "manual", approvalRequired: true, adapter: "record" },
};

describe("systems pages: the diff of two policy versions", () => {
  it("lists each leaf by its dotted path, empty lists included", () => {
    expect([...leaves(v1).entries()].slice(0, 4)).toEqual([
      ["backup.sources.0.type", "directory"],
      ["backup.sources.0.path", "/srv/app"],
      ["backup.sources.0.excludes", "[]"],
      ["backup.type", "incremental"],
    ]);
  });

  it("names the changed, added and removed fields, in the policy's order", () => {
    const v2 = {
      ...v1,
      backup: {
        ...v1.backup,
        sources: [...v1.backup.sources, { type: "file", path: "/etc/app.conf" }],
        schedule: { kind: "daily", at: "02:00", timezone: "Asia/Shanghai" },
      },
      retention: { days: 365, objectLockMode: "COMPLIANCE" },
      drill: undefined,
    };
    const diff = diffPolicies(v1, v2);
    expect(diff).toEqual([
      { path: "backup.sources.1.type", kind: "added", after: "file" },
      { path: "backup.sources.1.path", kind: "added", after: "/etc/app.conf" },
      { path: "backup.schedule.kind", kind: "changed", before: "every", after: "daily" },
      { path: "backup.schedule.minutes", kind: "removed", before: 60 },
      { path: "backup.schedule.at", kind: "added", after: "02:00" },
      { path: "backup.schedule.timezone", kind: "added", after: "Asia/Shanghai" },
      { path: "retention.days", kind: "changed", before: 180, after: 365 },
      { path: "drill.type", kind: "removed", before: "simulated" },
      { path: "drill.periodMinutes", kind: "removed", before: 1440 },
      { path: "drill.startAt", kind: "removed", before: "03:00" },
      { path: "drill.timezone", kind: "removed", before: "Asia/Shanghai" },
    ]);
    expect(diffCounts(diff)).toEqual({ added: 4, removed: 5, changed: 2 });
  });

  it("finds nothing between a version and itself", () => {
    expect(diffPolicies(v1, structuredClone(v1))).toEqual([]);
  });
});

describe("systems pages: a policy in words", () => {
  it("offers every architecture the API takes", () => {
    expect([...consoleArchitectures].sort()).toEqual([...architectures].sort());
  });

  it("names fields and list items in both languages", () => {
    expect(policyFieldLabel("retention.days", "zh")).toBe("保留天数");
    expect(policyFieldLabel("backup.sources.1.path", "zh")).toBe("备份源 2：路径");
    expect(policyFieldLabel("backup.sources.0.excludes.2", "en")).toBe("Backup source 1: Excluded path 3");
    expect(policyFieldLabel("backup.sources.0", "en")).toBe("Backup source 1");
    expect(policyFieldLabel("unknown.field", "en")).toBe("unknown.field");
  });

  it("says enumerated values in words and others as they are", () => {
    expect(leafText("replication.mode", "real-time", "zh")).toBe("数据实时复制");
    expect(leafText("backup.sources.3.type", "stdin", "en")).toBe("Standard input (a command's output)");
    expect(leafText("failover.approvalRequired", false, "zh")).toBe("否");
    expect(leafText("backup.schedule.weekday", 1, "en")).toBe("Monday");
    expect(leafText("retention.days", 365, "en")).toBe("365");
    expect(leafText("retention.days", undefined, "en")).toBe("—");
  });

  it("says schedules and sources as people do", () => {
    expect(scheduleText({ kind: "every", minutes: 30 }, "zh")).toBe("每 30 分钟一次");
    expect(scheduleText({ kind: "weekly", weekday: 7, at: "01:00", timezone: "Asia/Shanghai" }, "zh")).toBe(
      "每周日 01:00（Asia/Shanghai）",
    );
    expect(sourceText({ type: "s3-prefix", bucket: "files", prefix: "docs/" }, "en")).toBe(
      "S3 bucket prefix (platform backup): s3://files/docs/",
    );
  });
});
