import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { tableProbe, vaultProbe } from "../../shared/aws/dependency-probes.ts";
import { selfCheckFunctionEnv } from "../../shared/config/function-env.ts";
import { parseFunctionEnv } from "../../shared/lambda/env.ts";
import { runSelfCheck, type SelfCheckReport } from "../../shared/selfcheck/self-check.ts";

const dynamodb = new DynamoDBClient({});
const s3 = new S3Client({});

/** Step Functions task: throws DependencyUnavailableError or MisconfigurationError by name. */
export async function handler(): Promise<SelfCheckReport> {
  const env = parseFunctionEnv(selfCheckFunctionEnv);
  return runSelfCheck([
    tableProbe(dynamodb, env.TENANTS_TABLE),
    tableProbe(dynamodb, env.POLICIES_TABLE),
    vaultProbe(s3, env.VAULT_BUCKET),
  ]);
}
