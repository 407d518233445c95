import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { GetBucketVersioningCommand, GetObjectLockConfigurationCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { handler } from "../../../functions/tasks/selfcheck.ts";
import { lambdaContext } from "../../support/fixtures.ts";
import { healthySelfCheckDependencies } from "../../support/selfcheck.ts";

describe("self-check task", () => {
  const { dynamodb, s3 } = healthySelfCheckDependencies();

  it("reports every dependency when all are reachable and configured", async () => {
    const report = await handler({}, lambdaContext());

    expect(report.ok).toBe(true);
    expect(report.probes.map((p) => [p.name, p.ok])).toEqual([
      ["dynamodb:tenants", true],
      ["dynamodb:policies", true],
      ["s3:vault", true],
    ]);
    expect(dynamodb.commandCalls(DescribeTableCommand).map((c) => c.args[0].input.TableName)).toEqual([
      "tenants",
      "policies",
    ]);
  });

  it("throws DependencyUnavailableError (retryable by name) when a table cannot be reached", async () => {
    dynamodb
      .on(DescribeTableCommand, { TableName: "policies" })
      .rejects(Object.assign(new Error("socket hang up"), { name: "TimeoutError" }));

    await expect(handler({}, lambdaContext())).rejects.toMatchObject({
      name: "DependencyUnavailableError",
      message: expect.stringContaining("dynamodb:policies (TimeoutError: socket hang up)"),
    });
  });

  it("throws MisconfigurationError (not retried) when the vault has no Object Lock", async () => {
    s3.on(GetObjectLockConfigurationCommand).resolves({});

    await expect(handler({}, lambdaContext())).rejects.toMatchObject({
      name: "MisconfigurationError",
      message: expect.stringContaining("bucket vault has no Object Lock"),
    });
  });

  it("treats an unversioned vault as misconfigured", async () => {
    s3.on(GetBucketVersioningCommand).resolves({ Status: "Suspended" });

    await expect(handler({}, lambdaContext())).rejects.toMatchObject({ name: "MisconfigurationError" });
  });
});
