/** The two queues a replay moves messages between. */
export interface QueueMover {
  /** Up to 10 messages of the dead-letter queue, hidden from other readers while they are moved. */
  receive(): Promise<{ body: string; receipt: string }[]>;
  /** Sends a body to the replicator's queue. */
  send(body: string): Promise<void>;
  /** Deletes a received message from the dead-letter queue. */
  remove(receipt: string): Promise<void>;
}

/**
 * Moves dead letters back to the replicator's queue until none is left, `maxMessages` are moved
 * or time runs short. Sent before deleted: a replay cut short may send one twice (the replicator
 * finds its stamped copy), never drop one.
 */
export async function replayDeadLetters(
  queues: QueueMover,
  limits: { maxMessages: number; timeLeftMs: () => number },
): Promise<{ replayed: number; finished: boolean }> {
  let replayed = 0;
  while (replayed < limits.maxMessages && limits.timeLeftMs() > 10_000) {
    const batch = await queues.receive();
    if (batch.length === 0) return { replayed, finished: true };
    for (const message of batch) {
      await queues.send(message.body);
      await queues.remove(message.receipt);
      replayed += 1;
    }
  }
  return { replayed, finished: false };
}
