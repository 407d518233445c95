import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetBucketVersioningCommand, GetObjectLockConfigurationCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach } from "vitest";
import { withEnv } from "./fixtures.ts";

/**
 * The self-check task's environment and AWS clients, mocked so that every dependency answers as
 * healthy before each test; a test makes one of them fail.
 */
export function healthySelfCheckDependencies() {
  const dynamodb = mockClient(DynamoDBClient);
  const s3 = mockClient(S3Client);
  let restore: () => void = () => undefined;
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
  return { dynamodb, s3 };
}
