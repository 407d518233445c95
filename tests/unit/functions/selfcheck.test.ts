import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetBucketVersioningCommand, GetObjectLockConfigurationCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { handler } from "../../../functions/tasks/selfcheck.ts";
import { lambdaContext, withEnv } from "../../support/fixtures.ts";

const dynamodb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);

describe("self-check task", () => {
  let restore: () => void;
  beforeEach(() => {
    dynamodb.reset();
    s3.reset();
    restore = withEnv({
      GOVDR_STAGE: "local",
      POWERTOOLS_SERVICE_NAME: "govdr-selfcheck",
      TENANTS_TABLE: "tenants",
      POLICIES_TABLE: "policies",
      VAULT_BUCKET: "vault",
      AWS_REGION: "cn-north-1",
    });
    dynamodb.on(DescribeTableCommand).resolves({ Table: { TableStatus: "ACTIVE" } });
    s3.on(GetBucketVersioningCommand).resolves({ Status: "Enabled" });
    s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: { ObjectLockEnabled: "Enabled" },
    });
  });
  afterEach(() => restore());

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
