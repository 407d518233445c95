import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { s3ReplicaVaults, sqsDeferral, unitTransports } from "../../shared/aws/replicator.ts";
import { replicatorFunctionEnv } from "../../shared/config/function-env.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";
import { replicateMessages } from "../../shared/replication/replicate-messages.ts";

const sqsEvent = z.object({
  Records: z.array(z.looseObject({ messageId: z.string().min(1), body: z.string() })),
});

/**
 * The managed replicator (D-42): each message of the vault's queue names new versions of the
 * primary vault; each is copied to the DR vault with its lock. A message that fails is reported
 * alone, so SQS retries only it and, after the queue's receive limit, moves it to the dead-letter
 * queue, whose alarm calls an operator (`ReplicationReplay` puts it back once the cause is fixed).
 */
export const handler = taskHandler(
  replicatorFunctionEnv,
  {
    deps: (env) => {
      const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
      return {
        vaultBucket: env.VAULT_BUCKET,
        vaults: s3ReplicaVaults(env),
        transportOf: unitTransports(db, env.POLICIES_TABLE),
        defer: sqsDeferral(new SQSClient({}), env.REPLICATION_QUEUE_URL),
        now: () => new Date(),
      };
    },
    input: sqsEvent,
  },
  async (event, { deps, logger }) => {
    const results = await replicateMessages(deps, event.Records);
    for (const result of results) {
      if (result.error)
        logger.error("replication failed", { messageId: result.messageId, error: result.error });
      else logger.info("replicated", { messageId: result.messageId, outcomes: result.outcomes });
    }
    return {
      batchItemFailures: results.filter((r) => r.error).map((r) => ({ itemIdentifier: r.messageId })),
    };
  },
);
