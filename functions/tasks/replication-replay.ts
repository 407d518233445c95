import { SQSClient } from "@aws-sdk/client-sqs";
import { z } from "zod";
import { sqsQueueMover } from "../../shared/aws/replication-replay.ts";
import { replicationReplayFunctionEnv } from "../../shared/config/function-env.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";
import { replayDeadLetters } from "../../shared/replication/replay.ts";

/**
 * Puts what the replicator gave up on back on its queue, once the cause is fixed (an operator's
 * call: `aws lambda invoke --function-name govdr-replication-replay`). Each message is sent again
 * before it is deleted from the dead-letter queue, so a replay cut short loses none.
 */
export const handler = taskHandler(
  replicationReplayFunctionEnv,
  {
    deps: (env) => sqsQueueMover(new SQSClient({}), env.REPLICATION_DLQ_URL, env.REPLICATION_QUEUE_URL),
    input: z.object({ maxMessages: z.number().int().min(1).max(100_000).default(10_000) }),
  },
  async (input, { deps, logger, lambda }) => {
    const result = await replayDeadLetters(deps, {
      maxMessages: input.maxMessages,
      timeLeftMs: () => lambda.getRemainingTimeInMillis?.() ?? 60_000,
    });
    logger.info("replayed the replication dead-letter queue", result);
    return result;
  },
);
