import { readFileSync } from "node:fs";
import path from "node:path";
import { Stack } from "aws-cdk-lib";
import { Bucket } from "aws-cdk-lib/aws-s3";
import { describe, expect, it } from "vitest";
import { createGovdrApp } from "../../infra/app.ts";
import { synthGovdr } from "./synth.ts";

describe("whole app", () => {
  it("synthesizes for cn-north-1 / cn-northwest-1 with no aws-partition ARN literal", () => {
    const { rawTemplates, stacks } = synthGovdr({ primaryRegion: "cn-north-1", drRegion: "cn-northwest-1" });

    expect(rawTemplates).toHaveLength(6);
    for (const { file, text } of rawTemplates) expect(text, file).not.toContain("arn:aws:");
    expect(stacks.drVault.region).toBe("cn-northwest-1");
    expect(
      [stacks.vault, stacks.data, stacks.api, stacks.orchestration, stacks.console].map((s) => s.region),
    ).toEqual(Array(5).fill("cn-north-1"));
  });

  it("synthesizes for another partition's regions too (partition-agnostic)", () => {
    const { rawTemplates } = synthGovdr({ primaryRegion: "us-east-1", drRegion: "us-west-2" });

    for (const { file, text } of rawTemplates) expect(text, file).not.toContain("arn:aws-cn:");
  });

  it("passes cdk-nag's AwsSolutions pack with every acknowledgement carrying a reason", () => {
    const { outdir } = synthGovdr();

    const report = JSON.parse(readFileSync(path.join(outdir, "validation-report.json"), "utf8")) as {
      pluginReports: {
        pluginName: string;
        conclusion: string;
        violations: unknown[];
        suppressedViolations?: { ruleName: string; reason: string }[];
      }[];
    };
    // CDK's own CloudFormation check reports too once something is acknowledged to it (the Console
    // stack's resource types in aws-cn, D-45); it must be as clean as cdk-nag.
    const plugins = report.pluginReports.map((p) => p.pluginName);
    expect(plugins).toContain("AwsSolutions");
    expect(plugins.filter((name) => name !== "AwsSolutions" && name !== "CloudFormation Validate")).toEqual(
      [],
    );
    for (const plugin of report.pluginReports) {
      expect(plugin.conclusion, plugin.pluginName).toBe("success");
      expect(plugin.violations, plugin.pluginName).toEqual([]);
      for (const acknowledged of plugin.suppressedViolations ?? []) {
        expect(acknowledged.reason.length, acknowledged.ruleName).toBeGreaterThanOrEqual(40);
      }
    }
  });

  it("fails synthesis when a resource breaks an AwsSolutions rule (cdk-nag is really active)", () => {
    const { app } = createGovdrApp({ outdir: path.join(synthGovdr().outdir, "negative") });
    new Bucket(new Stack(app, "Careless"), "UnloggedBucket");

    expect(() => app.synth()).toThrow(/AwsSolutions-S1'[\s\S]*A copy of this report/);
  });
});
