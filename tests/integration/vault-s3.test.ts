import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RepositoryAccessError } from "../../shared/vault/backend.ts";
import { S3Backend } from "../../shared/vault/backends/s3.ts";
import { backup } from "../../shared/vault/backup.ts";
import { WrongKeyError } from "../../shared/vault/key-wrapper.ts";
import { kmsKeyWrapper } from "../../shared/vault/kms-key-wrapper.ts";
import { objectNames } from "../../shared/vault/object-names.ts";
import { Repository } from "../../shared/vault/repository.ts";
import { restoreToDirectory } from "../../shared/vault/restore.ts";
import { verifyRepository } from "../../shared/vault/verify.ts";
import { describeTree, writeSampleTree } from "../support/file-trees.ts";
import { clientConfig, localStack, uniqueName } from "./support/emulator.ts";

const s3 = () => new S3Client({ ...clientConfig(), forcePathStyle: true });
const day = 86_400_000;
let work: string;
let keyId: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-vault-s3-"));
  const { KeyMetadata } = await new KMSClient(clientConfig()).send(
    new CreateKeyCommand({ Description: "govdr test tenant key" }),
  );
  keyId = KeyMetadata?.KeyId ?? "";
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function tenantRepository(tenantId: string, retainUntil: Date) {
  const backend = new S3Backend(s3(), localStack().vaultBucket, `tenants/${tenantId}/`);
  const wrapper = kmsKeyWrapper(new KMSClient(clientConfig()), keyId, tenantId);
  const options = { retainUntil, packSize: 256 << 10 };
  await Repository.init(backend, wrapper, {
    suite: "aes-256-gcm",
    chunkSizes: { min: 16 << 10, avg: 64 << 10, max: 256 << 10 },
  });
  return { backend, open: () => Repository.open(backend, wrapper, options) };
}

async function firstPackKey(backend: S3Backend) {
  for await (const name of backend.list("packs/")) return name;
  throw new Error("no pack");
}

/** The packs holding data chunks (each backup's workers fill their own; tree blobs go elsewhere). */
function dataPacks(repository: Repository): string[] {
  const packs = [...repository.indexedBlobs()]
    .filter(([, location]) => location.type === "data")
    .map(([, location]) => objectNames.pack(location.pack));
  return [...new Set(packs)];
}

describe("vault on the emulator's S3 with KMS-wrapped keys and Object Lock", () => {
  it("round-trips a tree through an Object Lock bucket, every object locked in COMPLIANCE mode", async () => {
    const tenantId = uniqueName("t");
    const source = path.join(work, "source-1");
    await writeSampleTree(source);
    const { backend, open } = await tenantRepository(tenantId, new Date(Date.now() + 2 * day));

    const snapshot = await backup(await open(), [{ kind: "path", path: source }], { type: "full" });
    await restoreToDirectory(await open(), snapshot, path.join(work, "out-1"));

    expect(await describeTree(path.join(work, "out-1", "source-1"))).toEqual(await describeTree(source));
    const pack = await firstPackKey(backend);
    const { Retention } = await s3().send(
      new GetObjectRetentionCommand({ Bucket: localStack().vaultBucket, Key: `tenants/${tenantId}/${pack}` }),
    );
    expect(Retention?.Mode).toBe("COMPLIANCE");
    expect(Retention?.RetainUntilDate?.getTime()).toBeGreaterThan(Date.now() + day);
    expect((await verifyRepository(await open(), "read-data")).ok).toBe(true);
  });

  it("refuses to delete a locked pack version, and an overwrite leaves the locked version intact", async () => {
    const tenantId = uniqueName("t");
    const source = path.join(work, "source-2");
    await writeSampleTree(source);
    const { backend, open } = await tenantRepository(tenantId, new Date(Date.now() + 2 * day));
    await backup(await open(), [{ kind: "path", path: source }], { type: "full" });
    const Key = `tenants/${tenantId}/${await firstPackKey(backend)}`;
    const Bucket = localStack().vaultBucket;
    const { Versions = [] } = await s3().send(new ListObjectVersionsCommand({ Bucket, Prefix: Key }));
    const original = Versions[0]?.VersionId;

    await expect(
      s3().send(new DeleteObjectCommand({ Bucket, Key, VersionId: original })),
    ).rejects.toMatchObject({
      name: "AccessDenied",
    });
    await s3().send(new PutObjectCommand({ Bucket, Key, Body: "overwritten" }));
    const kept = await s3().send(new GetObjectCommand({ Bucket, Key, VersionId: original }));
    expect((await kept.Body?.transformToByteArray())?.byteLength).toBeGreaterThan(100);

    const report = await verifyRepository(await open(), "read-data");
    expect(report.problems.map((p) => p.kind)).toContain("damaged-pack");
    expect(report.problems.flatMap((p) => p.files).length).toBeGreaterThan(0);
  });

  it("restores by presigned URLs the workers read themselves (D-59): a pack hidden by a delete marker costs only the files it held", async () => {
    const tenantId = uniqueName("t");
    const source = path.join(work, "source-5");
    await writeSampleTree(source);
    const { backend, open } = await tenantRepository(tenantId, new Date(Date.now() + 2 * day));
    const snapshot = await backup(await open(), [{ kind: "path", path: source }], { type: "full" });
    const repository = await open();
    const [hidden] = dataPacks(repository) as [string];
    const url = await backend.signedUrl(hidden);
    expect(new URL(url).searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    // Allowed under Object Lock: the locked version stays, but a plain GET now answers 404.
    await s3().send(
      new DeleteObjectCommand({ Bucket: localStack().vaultBucket, Key: `tenants/${tenantId}/${hidden}` }),
    );
    expect((await fetch(url)).status).toBe(404);

    const restored = await restoreToDirectory(repository, snapshot, path.join(work, "out-5"));

    expect(restored.damaged.length).toBeGreaterThan(0);
    expect(restored.damaged.every(({ reason }) => reason.includes(`is missing`))).toBe(true);
    const expected = await describeTree(source);
    const out = await describeTree(path.join(work, "out-5", "source-5"));
    const damaged = new Set(restored.damaged.map((d) => d.path.replace(/^source-5\//, "")));
    for (const [file, description] of Object.entries(expected)) {
      if (!damaged.has(file)) expect(out[file], file).toEqual(description);
      else expect(out[file], file).toBeUndefined();
    }
  });

  it("extends the retention of older packs a new snapshot reuses, and never shortens it", async () => {
    const tenantId = uniqueName("t");
    const source = path.join(work, "source-3");
    await writeSampleTree(source);
    const first = await tenantRepository(tenantId, new Date(Date.now() + 2 * day));
    await backup(await first.open(), [{ kind: "path", path: source }], { type: "full" });
    const packs = dataPacks(await first.open());
    const retentions = () => Promise.all(packs.map((pack) => first.backend.retention(pack)));
    const before = await retentions();

    const later = new Date(Date.now() + 10 * day);
    const wrapper = kmsKeyWrapper(new KMSClient(clientConfig()), keyId, tenantId);
    await writeFile(path.join(source, "docs", "new.txt"), "new");
    const second = await Repository.open(first.backend, wrapper, { retainUntil: later });
    await backup(second, [{ kind: "path", path: source }], { type: "incremental" });
    const extended = await retentions();

    expect(packs.length).toBeGreaterThan(0);
    for (const retention of before) expect(retention?.getTime()).toBeLessThan(later.getTime() - day);
    expect(extended.map((retention) => retention?.getTime())).toEqual(packs.map(() => later.getTime()));
    const [pack] = packs as [string];
    await first.backend.extendRetention(pack, new Date(Date.now() + 3 * day));
    expect((await first.backend.retention(pack))?.getTime()).toBe(later.getTime());
    // The config kept the bucket's longer default retention: extension never shortens.
    expect((await first.backend.retention(objectNames.config))?.getTime()).toBeGreaterThanOrEqual(
      later.getTime(),
    );
  });

  it("refuses another tenant's KMS encryption context (wrong tenant), so no unit opens another's vault", async () => {
    const tenantId = uniqueName("t");
    const { backend } = await tenantRepository(tenantId, new Date(Date.now() + 2 * day));
    const intruder = kmsKeyWrapper(new KMSClient(clientConfig()), keyId, uniqueName("t"));

    await expect(Repository.open(backend, intruder)).rejects.toThrow(WrongKeyError);
  });

  it("answers a missing bucket, a bucket without Object Lock and an unusable KMS key with clear errors", async () => {
    const tenantId = uniqueName("t");
    const wrapper = kmsKeyWrapper(new KMSClient(clientConfig()), keyId, tenantId);
    const plainBucket = uniqueName("govdr-no-lock");
    await s3().send(new CreateBucketCommand({ Bucket: plainBucket }));
    const init = (bucket: string, keys = wrapper) =>
      Repository.init(
        new S3Backend(s3(), bucket, `tenants/${tenantId}/`),
        keys,
        { suite: "aes-256-gcm" },
        { retainUntil: new Date(Date.now() + day) },
      ).catch((error: Error) => error);

    const noBucket = await init(uniqueName("govdr-missing"));
    const noLock = await init(plainBucket);
    const noKey = await init(
      localStack().vaultBucket,
      kmsKeyWrapper(new KMSClient(clientConfig()), "alias/no-such-key", tenantId),
    );

    expect(noBucket).toBeInstanceOf(RepositoryAccessError);
    expect((noBucket as Error).message).toMatch(/^The bucket govdr-missing\S* does not exist/);
    expect(noLock).toBeInstanceOf(RepositoryAccessError);
    expect((noLock as Error).message).toContain(`The bucket ${plainBucket} has no Object Lock`);
    expect(noKey).toBeInstanceOf(WrongKeyError);
    expect((noKey as Error).message).toContain("KMS cannot make a repository key with alias/no-such-key");
    const { Contents } = await s3().send(new ListObjectsV2Command({ Bucket: plainBucket }));
    expect(Contents ?? []).toEqual([]);
  });
});
