import { App } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { defaultDeploymentConfig, readDeploymentConfig } from "../../../infra/config.ts";
import { aslPlaceholders } from "../../../infra/constructs/asl-state-machine.ts";

describe("deployment config", () => {
  it("defaults to the China partition's two regions, more than 200 km apart (App. §7.1(1))", () => {
    expect(readDeploymentConfig(new App())).toEqual(defaultDeploymentConfig);
    expect(defaultDeploymentConfig).toMatchObject({
      primaryRegion: "cn-north-1",
      drRegion: "cn-northwest-1",
    });
  });

  it("refuses a DR region equal to the primary region", () => {
    const app = new App({ context: { drRegion: "cn-north-1" } });

    expect(() => readDeploymentConfig(app)).toThrow(/drRegion must differ from primaryRegion/);
  });

  it("names every invalid setting with its key", () => {
    const app = new App({ context: { stage: "qa", logRetentionDays: 30, primaryRegion: "north" } });

    expect(() => readDeploymentConfig(app)).toThrow(/stage: .*logRetentionDays: .*|primaryRegion/);
  });
});

describe("aslPlaceholders", () => {
  it("finds every ${Name} placeholder once, and ignores JSONPath", () => {
    const asl = '{"Resource":"arn:${Partition}:states:::lambda:invoke","F":"${Fn}","G":"${Fn}","P.$":"$.x"}';

    expect([...aslPlaceholders(asl)].sort()).toEqual(["Fn", "Partition"]);
  });
});
