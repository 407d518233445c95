import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { MisconfigurationError } from "../errors.ts";
import type { Probe } from "../selfcheck/self-check.ts";

export function tableProbe(dynamodb: DynamoDBClient, tableName: string): Probe {
  return {
    name: `dynamodb:${tableName}`,
    async run() {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus !== "ACTIVE" && Table?.TableStatus !== "UPDATING") {
        throw new MisconfigurationError(`table ${tableName} is ${Table?.TableStatus ?? "missing"}`);
      }
    },
  };
}

/** A vault must be versioned with Object Lock enabled, or nothing written to it is immutable. */
export function vaultProbe(s3: S3Client, bucket: string): Probe {
  return {
    name: `s3:${bucket}`,
    async run() {
      const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
      if (versioning.Status !== "Enabled")
        throw new MisconfigurationError(`bucket ${bucket} is not versioned`);
      const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
      if (lock.ObjectLockConfiguration?.ObjectLockEnabled !== "Enabled") {
        throw new MisconfigurationError(`bucket ${bucket} has no Object Lock`);
      }
    },
  };
}
