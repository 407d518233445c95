import { z } from "zod";
import { errorClass } from "../errors.ts";
import type { VaultVersion } from "./replicator.ts";

const s3Record = z.looseObject({
  eventName: z.string(),
  s3: z.looseObject({
    bucket: z.looseObject({ name: z.string() }),
    object: z.looseObject({ key: z.string(), versionId: z.string().optional() }),
  }),
});

const notification = z.looseObject({ Records: z.array(s3Record) });
const deferred = z.looseObject({
  govdrReplicate: z.object({ key: z.string().min(1), versionId: z.string().min(1) }),
});
/** What S3 sends once when the notification is set up. */
const testEvent = z.looseObject({ Event: z.literal("s3:TestEvent") });

/** An event's key: URL-encoded, with "+" for a space. */
const decodeKey = (key: string) => decodeURIComponent(key.replace(/\+/g, " "));

export class UnreadableReplicationMessageError extends errorClass("REPLICATION_MESSAGE_UNREADABLE") {}

/**
 * The vault versions one queue message names: an S3 notification (new objects), a version the
 * replicator put back for its transfer window, or S3's test event (none). A created object
 * without a version id cannot come from a versioned vault: it is refused, not guessed at.
 */
export function versionsIn(body: string, vaultBucket: string): VaultVersion[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new UnreadableReplicationMessageError("The message is not JSON");
  }
  const put = deferred.safeParse(json);
  if (put.success) return [{ ...put.data.govdrReplicate, deferred: true }];
  if (testEvent.safeParse(json).success) return [];
  const message = notification.safeParse(json);
  if (!message.success) {
    throw new UnreadableReplicationMessageError(
      `Not a vault notification: ${message.error.issues[0]?.message}`,
    );
  }
  return message.data.Records.filter((record) => record.eventName.startsWith("ObjectCreated:")).map(
    (record) => {
      if (record.s3.bucket.name !== vaultBucket) {
        throw new UnreadableReplicationMessageError(
          `A notification of ${record.s3.bucket.name}, not the vault`,
        );
      }
      const key = decodeKey(record.s3.object.key);
      if (!record.s3.object.versionId) {
        throw new UnreadableReplicationMessageError(`${key} has no version id: the vault is not versioned`);
      }
      return { key, versionId: record.s3.object.versionId };
    },
  );
}
