import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { QueueMover } from "../replication/replay.ts";

/** Dead-letter queue → queue through SQS (the emulator has no StartMessageMoveTask: docs/emulator.md). */
export function sqsQueueMover(sqs: SQSClient, deadLetterUrl: string, queueUrl: string): QueueMover {
  return {
    receive: async () => {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: deadLetterUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 60,
        }),
      );
      return (Messages ?? []).flatMap((m) =>
        m.Body !== undefined && m.ReceiptHandle ? [{ body: m.Body, receipt: m.ReceiptHandle }] : [],
      );
    },
    send: async (body) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    },
    remove: async (receipt) => {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: deadLetterUrl, ReceiptHandle: receipt }));
    },
  };
}
