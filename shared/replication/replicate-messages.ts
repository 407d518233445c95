import { versionsIn } from "./replication-messages.ts";
import { type ReplicationOutcome, type ReplicatorDeps, replicateVersion } from "./replicator.ts";

export interface MessageResult {
  messageId: string;
  outcomes: { key: string; versionId: string; outcome: ReplicationOutcome }[];
  error?: Error;
}

/**
 * One batch of queue messages: each message's versions in turn, the messages side by side. A
 * message fails as a whole when one of its versions does, and only it is tried again; copies made
 * before the failure are found stamped on the retry.
 */
export async function replicateMessages(
  deps: ReplicatorDeps & { vaultBucket: string },
  messages: { messageId: string; body: string }[],
): Promise<MessageResult[]> {
  return Promise.all(
    messages.map(async ({ messageId, body }) => {
      const outcomes: MessageResult["outcomes"] = [];
      try {
        for (const version of versionsIn(body, deps.vaultBucket)) {
          outcomes.push({ ...version, outcome: await replicateVersion(deps, version) });
        }
        return { messageId, outcomes };
      } catch (error) {
        return { messageId, outcomes, error: error as Error };
      }
    }),
  );
}
