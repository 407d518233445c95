import {
  CopyObjectCommand,
  GetBucketReplicationCommand,
  HeadObjectCommand,
  PutBucketReplicationCommand,
  PutObjectRetentionCommand,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { DrPolicy } from "../policies/policy-schema.ts";
import { policyOf } from "../replication/replication-monitor.ts";
import {
  meantForS3Replication,
  type VaultReplicationRule,
  type VaultReplicationRules,
} from "../replication/replication-rules.ts";
import type { ObjectLock, ReplicaVaults, SourceVersion, VaultVersion } from "../replication/replicator.ts";
import { type UnitTransport, unitTransport } from "../replication/transport.ts";
import { DynamoDbSystemStore } from "../stores/dynamodb/system-store.ts";
import { allItems } from "../stores/page.ts";
import { s3Client } from "./drills.ts";

/** Metadata the replicator stamps on each copy: which primary version it is. */
const stamp = { versionId: "govdr-source-version-id", lastModified: "govdr-source-last-modified" } as const;

const notFound = (error: unknown) =>
  error instanceof S3ServiceException &&
  (error.$metadata.httpStatusCode === 404 || error.name === "NotFound");

const lockOf = (head: {
  ObjectLockMode?: string;
  ObjectLockRetainUntilDate?: Date;
}): ObjectLock | undefined =>
  head.ObjectLockMode && head.ObjectLockRetainUntilDate
    ? { mode: head.ObjectLockMode as ObjectLock["mode"], retainUntil: head.ObjectLockRetainUntilDate }
    : undefined;

/** A key in a CopySource: each path segment URL-encoded, the slashes kept. */
const copySource = (bucket: string, version: VaultVersion) =>
  `${bucket}/${version.key.split("/").map(encodeURIComponent).join("/")}?versionId=${encodeURIComponent(version.versionId)}`;

/** Both vaults through S3: the copy is made by the DR region's client from the primary's version. */
export function s3ReplicaVaults(
  env: { VAULT_BUCKET: string; DR_VAULT_BUCKET: string; DR_REGION: string },
  now = () => Date.now(),
): ReplicaVaults {
  const primary = s3Client();
  const dr = s3Client(env.DR_REGION);
  const rules = s3VaultReplicationRules(env.VAULT_BUCKET, primary);
  let cachedRules: { at: number; rules: Promise<VaultReplicationRule[] | undefined> } | undefined;
  // Read once per version would be a call per object; rules 30 s old are fresh enough.
  const currentRules = () => {
    if (!cachedRules || now() - cachedRules.at > 30_000) {
      const read = rules.current().catch((error: unknown) => {
        cachedRules = undefined;
        throw error;
      });
      cachedRules = { at: now(), rules: read };
    }
    return cachedRules.rules;
  };
  return {
    meantForS3Replication: async (key) => meantForS3Replication(await currentRules(), key),
    source: async (version) => {
      try {
        const head = await primary.send(
          new HeadObjectCommand({ Bucket: env.VAULT_BUCKET, Key: version.key, VersionId: version.versionId }),
        );
        return {
          lastModified: head.LastModified ?? new Date(0),
          replicationStatus: head.ReplicationStatus as SourceVersion["replicationStatus"],
          lock: lockOf(head),
          contentType: head.ContentType,
        };
      } catch (error) {
        if (notFound(error)) return undefined;
        throw error;
      }
    },
    drCopy: async (key) => {
      try {
        const head = await dr.send(new HeadObjectCommand({ Bucket: env.DR_VAULT_BUCKET, Key: key }));
        const from = head.Metadata?.[stamp.lastModified];
        return {
          versionId: head.VersionId ?? "null",
          sourceVersionId: head.Metadata?.[stamp.versionId],
          sourceLastModified: from ? new Date(from) : undefined,
          lock: lockOf(head),
        };
      } catch (error) {
        if (notFound(error)) return undefined;
        throw error;
      }
    },
    copy: async (version, source) => {
      const copied = await dr.send(
        new CopyObjectCommand({
          Bucket: env.DR_VAULT_BUCKET,
          Key: version.key,
          CopySource: copySource(env.VAULT_BUCKET, version),
          MetadataDirective: "REPLACE",
          Metadata: {
            [stamp.versionId]: version.versionId,
            [stamp.lastModified]: source.lastModified.toISOString(),
          },
          ContentType: source.contentType,
          ObjectLockMode: source.lock?.mode,
          ObjectLockRetainUntilDate: source.lock?.retainUntil,
        }),
      );
      return copied.VersionId ?? "null";
    },
    lock: async (key, drVersionId, lock) => {
      await dr.send(
        new PutObjectRetentionCommand({
          Bucket: env.DR_VAULT_BUCKET,
          Key: key,
          VersionId: drVersionId,
          Retention: { Mode: lock.mode, RetainUntilDate: lock.retainUntil },
        }),
      );
    },
  };
}

/**
 * Each unit's transport, read from its systems' policies and kept for a minute: a changed policy
 * reaches the replicator within that, as it reaches S3's rules at the monitor's next pass.
 */
export function unitTransports(db: DynamoDBDocumentClient, policiesTable: string, now = () => Date.now()) {
  const systems = new DynamoDbSystemStore(db, policiesTable);
  const cached = new Map<string, { at: number; transport: UnitTransport }>();
  return async (tenantId: string): Promise<UnitTransport> => {
    const hit = cached.get(tenantId);
    if (hit && now() - hit.at < 60_000) return hit.transport;
    const policies: DrPolicy[] = [];
    for await (const system of allItems((page) => systems.list(tenantId, page))) {
      const policy = await policyOf(systems, system);
      if (policy) policies.push(policy);
    }
    const transport = unitTransport(policies);
    cached.set(tenantId, { at: now(), transport });
    return transport;
  };
}

/** The message the replicator puts back for a version held by a transfer window. */
export const deferredMessage = (version: VaultVersion) =>
  JSON.stringify({ govdrReplicate: { key: version.key, versionId: version.versionId } });

export const sqsDeferral =
  (sqs: SQSClient, queueUrl: string) => async (version: VaultVersion, delaySeconds: number) => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: deferredMessage(version),
        DelaySeconds: Math.max(0, Math.min(900, Math.round(delaySeconds))),
      }),
    );
  };

/** The vault's replication configuration; only its rules change, the role stays as deployed. */
export function s3VaultReplicationRules(bucket: string, s3: S3Client = s3Client()): VaultReplicationRules {
  const read = async () => {
    try {
      return (await s3.send(new GetBucketReplicationCommand({ Bucket: bucket }))).ReplicationConfiguration;
    } catch (error) {
      if (error instanceof S3ServiceException && error.name === "ReplicationConfigurationNotFoundError") {
        return undefined;
      }
      throw error;
    }
  };
  return {
    current: async () => (await read())?.Rules as VaultReplicationRule[] | undefined,
    put: async (rules) => {
      const configuration = await read();
      if (!configuration) return;
      await s3.send(
        new PutBucketReplicationCommand({
          Bucket: bucket,
          ReplicationConfiguration: { Role: configuration.Role, Rules: rules as never },
        }),
      );
    },
  };
}
