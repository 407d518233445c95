import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { tableProbe, vaultProbe } from "../../shared/aws/dependency-probes.ts";
import { selfCheckFunctionEnv } from "../../shared/config/function-env.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";
import { runSelfCheck } from "../../shared/selfcheck/self-check.ts";

/** Step Functions task: throws DependencyUnavailableError or MisconfigurationError by name. */
export const handler = taskHandler(
  selfCheckFunctionEnv,
  {
    deps: () => ({ dynamodb: new DynamoDBClient({}), s3: new S3Client({}) }),
    input: z.looseObject({}),
  },
  (_input, { env, deps }) =>
    runSelfCheck([
      tableProbe(deps.dynamodb, env.TENANTS_TABLE),
      tableProbe(deps.dynamodb, env.POLICIES_TABLE),
      vaultProbe(deps.s3, env.VAULT_BUCKET),
    ]),
);
