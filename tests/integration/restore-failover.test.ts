import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntil } from "../../cli/poll.ts";
import { call } from "./support/api.ts";
import { policy } from "./support/bodies.ts";
import { replicated, unitWithSystem } from "./support/dr-unit.ts";
import { clientConfig, localStack, uniqueName } from "./support/emulator.ts";
import { type TestSite, testSite } from "./support/sites.ts";

/** The unit's own role for its data (in its account, not the platform's), as a unit creates it. */
const roleArn = "arn:aws:iam::111111111111:role/govdr-source-portal";
type Json = Record<string, unknown>;

let primarySite: TestSite;
let drSite: TestSite;
beforeAll(async () => {
  primarySite = await testSite("primary");
  drSite = await testSite("dr");
});
afterAll(async () => {
  await primarySite.close();
  await drSite.close();
});

/** S3 in the unit's own account, in one of the two regions, as the unit's role. */
async function unitS3(tenantId: string, region: string) {
  const { Credentials: c } = await new STSClient(clientConfig()).send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "unit-setup", ExternalId: tenantId }),
  );
  return new S3Client({
    ...clientConfig(region),
    forcePathStyle: true,
    credentials: {
      accessKeyId: c?.AccessKeyId as string,
      secretAccessKey: c?.SecretAccessKey as string,
      sessionToken: c?.SessionToken,
    },
  });
}

async function bucketIn(s3: S3Client, region: string, name: string) {
  const bucket = uniqueName(name);
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint },
    }),
  );
  return bucket;
}

async function put(s3: S3Client, bucket: string, prefix: string, files: Record<string, string>) {
  for (const [key, body] of Object.entries(files)) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${key}`, Body: body }));
  }
}

/** Every object under `prefix`, as text, by key without the prefix. */
async function contents(s3: S3Client, bucket: string, prefix: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      found[(object.Key as string).slice(prefix.length)] = (await got.Body?.transformToString()) ?? "";
    }
  }
  return found;
}

const until = (token: string, path: string, done: (s: Json) => boolean, what: string) =>
  pollUntil(
    async () => {
      const answer = await call("GET", path, { token });
      return done(answer.body) ? answer.body : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 500, what },
  );
const ended = (s: Json) => ["completed", "rolled-back", "failed", "rejected"].includes(s.status as string);

/** Starts a switchover, approves it at its gate, and waits for its end. */
async function approved(token: string, path: string) {
  const started = await call("POST", path, { token, body: { reason: "按恢复点切换演练" } });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const switchId = started.body.switchId as string;
  await until(
    token,
    `/failovers/${switchId}`,
    (s) => s.status === "awaiting-approval" || ended(s),
    "the gate",
  );
  const decided = await call("POST", `/failovers/${switchId}/approve`, { token, body: {} });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  return until(token, `/failovers/${switchId}`, ended, `switchover ${switchId} to end`);
}

describe("recovery by restore on the emulator's Step Functions, S3 and STS (D-51, issue #20)", () => {
  it("restores the replicated point into the DR site's bucket, and a failback brings the DR side's writes back to the primary (R-FO-04)", async () => {
    const stack = localStack();
    const unit = await unitWithSystem({ healthEndpoint: primarySite.url });
    const tenantId = unit.tenant.tenantId;
    const primaryS3 = await unitS3(tenantId, stack.regions.primary);
    const drS3 = await unitS3(tenantId, stack.regions.dr);
    const primary = {
      bucket: await bucketIn(primaryS3, stack.regions.primary, "portal-data"),
      prefix: "site/",
    };
    const dr = { bucket: await bucketIn(drS3, stack.regions.dr, "portal-dr-data"), prefix: "site/" };
    await put(primaryS3, primary.bucket, primary.prefix, {
      "index.html": "<h1>办事指南</h1>",
      "docs/guide.txt": "第一版",
      "docs/notes 100%.txt": "a key the snapshot escapes",
    });
    await put(drS3, dr.bucket, dr.prefix, { "stale.html": "left from an earlier switchover" });

    const body = policy({ kind: "every", minutes: 30 }, "database-replication-or-cdp");
    const set = await call("PUT", `/systems/${unit.systemId}/policy`, {
      token: unit.token,
      body: {
        ...body,
        backup: { ...body.backup, sources: [{ type: "s3-prefix", ...primary, roleArn }] },
        failover: {
          ...body.failover,
          drHealthEndpoint: drSite.url,
          recovery: "restore",
          drData: { ...dr, roleArn },
        },
      },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const backup = await call("POST", `/systems/${unit.systemId}/backups`, { token: unit.token, body: {} });
    expect(backup.status, JSON.stringify(backup.body)).toBe(202);
    const job = await until(
      unit.token,
      `/systems/${unit.systemId}/backups/${backup.body.jobId}`,
      (j) => j.status !== "running",
      "the backup",
    );
    expect(job.status, JSON.stringify(job)).toBe("completed");
    await replicated(`tenants/${tenantId}/`, job.snapshotId as string);

    const failover = await approved(unit.token, `/systems/${unit.systemId}/failovers`);
    expect(failover, JSON.stringify(failover)).toMatchObject({ status: "completed" });
    const member = (failover.waves as { systems: Json[] }[])[0]?.systems[0] as Json;
    expect(member.recoveryPoint).toMatchObject({ snapshotId: job.snapshotId });
    expect(await contents(drS3, dr.bucket, dr.prefix)).toEqual({
      "index.html": "<h1>办事指南</h1>",
      "docs/guide.txt": "第一版",
      "docs/notes 100%.txt": "a key the snapshot escapes",
    });

    // Business goes on at the DR site.
    await put(drS3, dr.bucket, dr.prefix, { "docs/guide.txt": "第二版（灾备站点修订）", "new.json": "[]" });
    await drS3.send(new DeleteObjectCommand({ Bucket: dr.bucket, Key: `${dr.prefix}index.html` }));

    const failback = await approved(unit.token, `/systems/${unit.systemId}/failbacks`);
    expect(failback, JSON.stringify(failback)).toMatchObject({ kind: "failback", status: "completed" });
    expect(await contents(primaryS3, primary.bucket, primary.prefix)).toEqual({
      "docs/guide.txt": "第二版（灾备站点修订）",
      "docs/notes 100%.txt": "a key the snapshot escapes",
      "new.json": "[]",
    });
    const jobs = await call("GET", `/systems/${unit.systemId}/backups`, { token: unit.token });
    const resyncs = (jobs.body.items as Json[]).filter((j) => j.trigger === "failback");
    expect(resyncs.map((j) => j.status)).toEqual(["completed", "completed"]);
    expect((await call("GET", `/systems/${unit.systemId}/route`, { token: unit.token })).body).toMatchObject({
      activeSite: "primary",
      fencedSite: "dr",
    });
  });
});
