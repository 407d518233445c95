import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateTableCommand, DynamoDBClient, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { GetScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorAgentEnv } from "../../cli/local-stack/aws-clients.ts";
import { pollUntil } from "../../cli/poll.ts";
import { serverSourceName } from "../../shared/backups/server-sources.ts";
import { pathOfKey } from "../../shared/vault/object-backup.ts";
import { runAgent } from "../support/agent-cli.ts";
import { call } from "./support/api.ts";
import { policy } from "./support/bodies.ts";
import { unitWithSystem } from "./support/dr-unit.ts";
import { clientConfig, localStack, uniqueName } from "./support/emulator.ts";

/** A role in the unit's own account (not the platform's), as a unit would create it for govdr. */
const roleArn = "arn:aws:iam::111111111111:role/govdr-source-backup";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-server-backups-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/**
 * The unit's own credentials: its role in its own account, as the platform assumes it. The emulator
 * keeps each account's buckets and tables apart, so the unit's data is made in that account.
 */
let unitCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
async function assumeUnitRole(tenantId: string) {
  const { Credentials: c } = await new STSClient(clientConfig()).send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "unit-setup", ExternalId: tenantId }),
  );
  unitCredentials = {
    accessKeyId: c?.AccessKeyId as string,
    secretAccessKey: c?.SecretAccessKey as string,
    sessionToken: c?.SessionToken,
  };
}
const s3 = () => new S3Client({ ...clientConfig(), credentials: unitCredentials, forcePathStyle: true });
const dynamodb = () => new DynamoDBClient({ ...clientConfig(), credentials: unitCredentials });

/** A unit's bucket with a small tree of objects under a prefix, and one object outside it. */
async function unitBucket() {
  const bucket = uniqueName("unit-data");
  const client = s3();
  await client.send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: {
        LocationConstraint: localStack().regions.primary as BucketLocationConstraint,
      },
    }),
  );
  const objects = new Map<string, Buffer>([
    ["index.html", Buffer.from("<h1>办事指南</h1>")],
    ["docs/2026/report.pdf", randomBytes(3 * 1024 * 1024 + 17)],
    ["docs/2026/notes 100%.txt", Buffer.from("percent in a key")],
    ["docs/empty/", Buffer.alloc(0)],
    ["docs/readme.md", Buffer.from("# docs")],
    ["images/logo.png", randomBytes(40_000)],
  ]);
  for (const [key, body] of objects) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `portal/${key}`, Body: body }));
  }
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: "elsewhere.txt", Body: "not backed up" }));
  return { bucket, prefix: "portal/", objects };
}

/** A unit's table with items of every kind of value. */
async function unitTable() {
  const name = uniqueName("unit-orders");
  const client = dynamodb();
  const created = await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
    }),
  );
  for (let i = 0; i < 30; i++) {
    await client.send(
      new PutItemCommand({
        TableName: name,
        Item: {
          pk: { S: `order-${String(i).padStart(3, "0")}` },
          amount: { N: String(i * 10.5) },
          owner: { S: "张三" },
          blob: { B: Buffer.from([i, 255, 0]) },
          tags: { SS: ["a", `t${i}`] },
          detail: { M: { paid: { BOOL: i % 2 === 0 }, lines: { L: [{ N: "1" }, { NULL: true }] } } },
        },
      }),
    );
  }
  return { tableArn: created.TableDescription?.TableArn as string, name };
}

const serverPolicy = (sources: object[], schedule: object = { kind: "every", minutes: 30 }) => {
  const body = policy(schedule, "database-replication-or-cdp");
  return { ...body, backup: { ...body.backup, sources } };
};

const finished = (token: string, systemId: string, jobId: string) =>
  pollUntil(
    async () => {
      const answer = await call("GET", `/systems/${systemId}/backups/${jobId}`, { token });
      return answer.body.status === "running" ? undefined : answer.body;
    },
    { timeoutMs: 180_000, intervalMs: 1000, what: `backup ${jobId} to finish` },
  );

async function filesUnder(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) found.push(path.relative(root, path.join(entry.parentPath, entry.name)));
  }
  return found.sort();
}

describe("server-side backups of S3 prefixes and DynamoDB tables (issue #18 item 4, D-43)", () => {
  let unit: Awaited<ReturnType<typeof unitWithSystem>>;
  let data: Awaited<ReturnType<typeof unitBucket>>;
  let table: Awaited<ReturnType<typeof unitTable>>;
  let sources: { type: string; [field: string]: string }[];

  beforeAll(async () => {
    unit = await unitWithSystem();
    await assumeUnitRole(unit.tenant.tenantId);
    data = await unitBucket();
    table = await unitTable();
    sources = [
      { type: "s3-prefix", bucket: data.bucket, prefix: data.prefix, roleArn },
      { type: "dynamodb-table", tableArn: table.tableArn, roleArn },
    ];
  }, 120_000);

  it("refuses policies a server-side backup cannot run with, naming the field", async () => {
    const noRole = await call("PUT", `/systems/${unit.systemId}/policy`, {
      token: unit.token,
      body: serverPolicy([{ type: "s3-prefix", bucket: data.bucket, prefix: "" }]),
    });
    const platformBucket = await call("PUT", `/systems/${unit.systemId}/policy`, {
      token: unit.token,
      body: serverPolicy([{ type: "s3-prefix", bucket: localStack().vaultBucket, prefix: "", roleArn }]),
    });
    const continuous = await call("PUT", `/systems/${unit.systemId}/policy`, {
      token: unit.token,
      body: serverPolicy(sources, { kind: "continuous" }),
    });
    const badRole = await call("PUT", `/systems/${unit.systemId}/policy`, {
      token: unit.token,
      body: serverPolicy([{ ...sources[0], roleArn: "arn:aws:iam::111111111111:role/admin" }]),
    });

    const paths = (answer: { body: Record<string, unknown> }) =>
      ((answer.body.fieldErrors ?? []) as { path: string }[]).map((e) => e.path);
    expect(noRole.status).toBe(400);
    expect(paths(noRole)).toContain("backup.sources.0.roleArn");
    expect(platformBucket.status).toBe(400);
    expect(paths(platformBucket)).toContain("backup.sources.0.bucket");
    expect(continuous.status).toBe(400);
    expect(paths(continuous)).toContain("backup.schedule.kind");
    expect(badRole.status).toBe(400);
    expect(paths(badRole).join(" ")).toContain("roleArn");
  });

  it("refuses a backup of a policy without server-side sources (409 NO_SERVER_SOURCES) and a bad body (400 with the field)", async () => {
    const none = await call("POST", `/systems/${unit.systemId}/backups`, { token: unit.token, body: {} });
    const badType = await call("POST", `/systems/${unit.systemId}/backups`, {
      token: unit.token,
      body: { type: "sometimes" },
    });
    const unknownField = await call("POST", `/systems/${unit.systemId}/backups`, {
      token: unit.token,
      body: { bucket: "another-units-bucket" },
    });

    expect(none).toMatchObject({ status: 409, body: { code: "NO_SERVER_SOURCES" } });
    expect(badType.status).toBe(400);
    expect(badType.body.fieldErrors).toEqual([expect.objectContaining({ path: "type" })]);
    expect(unknownField.status).toBe(400);
    expect(JSON.stringify(unknownField.body.fieldErrors)).toContain("bucket");
  });

  it("backs up a prefix and a table into a snapshot in the catalogue that restores byte for byte; a second run while it runs is a 409, another unit sees nothing", async () => {
    const set = await call("PUT", `/systems/${unit.systemId}/policy`, {
      token: unit.token,
      body: serverPolicy(sources),
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);

    const started = await call("POST", `/systems/${unit.systemId}/backups`, { token: unit.token, body: {} });
    const second = await call("POST", `/systems/${unit.systemId}/backups`, { token: unit.token, body: {} });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const jobId = started.body.jobId as string;
    expect(started.body).not.toHaveProperty("checkpoint");
    expect(second).toMatchObject({ status: 409, body: { code: "BACKUP_RUNNING" } });
    expect(second.body.message).toContain(jobId);

    const other = await unitWithSystem();
    const foreign = await call("GET", `/systems/${unit.systemId}/backups/${jobId}`, { token: other.token });
    const foreignStart = await call("POST", `/systems/${unit.systemId}/backups`, {
      token: other.token,
      body: {},
    });
    expect(foreign.status).toBe(404);
    expect(foreignStart.status).toBe(404);

    const job = await finished(unit.token, unit.systemId, jobId);
    expect(job, JSON.stringify(job)).toMatchObject({ status: "completed", trigger: "on-demand" });
    const progress = job.progress as Record<string, number>;
    // The prefix's six objects, the table's description and its one part of items.
    expect(progress.files).toBe(data.objects.size + 2);
    expect(progress.bytes).toBeGreaterThan(3 * 1024 * 1024);
    expect(progress.sourcesDone).toBe(2);
    const snapshotId = job.snapshotId as string;
    const listed = await call("GET", `/systems/${unit.systemId}/backups`, { token: unit.token });
    expect((listed.body.items as { jobId: string }[]).map((j) => j.jobId)).toContain(jobId);

    const recorded = await call("GET", `/systems/${unit.systemId}/snapshots/${snapshotId}`, {
      token: unit.token,
    });
    expect(recorded.status).toBe(200);
    expect(recorded.body).toMatchObject({
      snapshotId,
      registeredBy: `govdr-backup:${jobId}`,
      repository: `s3://${localStack().vaultBucket}/tenants/${unit.tenant.tenantId}/`,
      sources: [`s3://${data.bucket}/${data.prefix}`, `dynamodb:${table.tableArn}`],
    });

    const target = path.join(work, "restored");
    const restore = await runAgent(
      [
        "restore",
        snapshotId,
        "--target",
        target,
        "--repo",
        `s3://${localStack().vaultBucket}/tenants/${unit.tenant.tenantId}/`,
        "--kms-key",
        unit.tenant.vaultKeyId,
        "--tenant",
        unit.tenant.tenantId,
      ],
      emulatorAgentEnv(localStack()),
    );
    expect(restore.code, restore.stderr).toBe(0);
    const s3Root = path.join(target, serverSourceName(sources[0] as never));
    const expected = [...data.objects.keys()].map((key) => pathOfKey(key).join("/")).sort();
    expect(await filesUnder(s3Root)).toEqual(expected);
    for (const [key, body] of data.objects) {
      expect((await readFile(path.join(s3Root, ...pathOfKey(key)))).equals(body), key).toBe(true);
    }
    const tableRoot = path.join(target, serverSourceName(sources[1] as never));
    const lines = (await readFile(path.join(tableRoot, "items-000001.jsonl"), "utf8")).trim().split("\n");
    const { Items = [] } = await dynamodb().send(
      new ScanCommand({ TableName: table.name, ConsistentRead: true }),
    );
    const exported = (item: Record<string, unknown>) =>
      JSON.parse(
        JSON.stringify(item, (_, value) =>
          value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value,
        ),
      );
    const byKey = (rows: { pk: { S: string } }[]) => rows.sort((a, b) => a.pk.S.localeCompare(b.pk.S));
    expect(byKey(lines.map((line) => JSON.parse(line).Item))).toEqual(byKey(Items.map(exported)));
    const description = JSON.parse(await readFile(path.join(tableRoot, "table.json"), "utf8"));
    expect(description.KeySchema).toEqual([{ AttributeName: "pk", KeyType: "HASH" }]);
  }, 300_000);

  it("does not read unchanged objects again on the next run, and reads a changed one", async () => {
    const changed = Buffer.from("<h1>办事指南 v2</h1>");
    await s3().send(
      new PutObjectCommand({ Bucket: data.bucket, Key: `${data.prefix}index.html`, Body: changed }),
    );

    const started = await call("POST", `/systems/${unit.systemId}/backups`, {
      token: unit.token,
      body: { type: "incremental" },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const job = await finished(unit.token, unit.systemId, started.body.jobId as string);

    expect(job, JSON.stringify(job)).toMatchObject({ status: "completed", type: "incremental" });
    const progress = job.progress as Record<string, number>;
    expect(progress.unchangedFiles).toBe(data.objects.size - 1);
    // Read again: the changed object and the table (a scan has no parent to compare with).
    expect(progress.readBytes).toBeLessThan(1024 * 1024);
    const recorded = await call("GET", `/systems/${unit.systemId}/snapshots/${job.snapshotId}`, {
      token: unit.token,
    });
    expect(recorded.body).toMatchObject({ type: "incremental" });
  }, 240_000);
});

describe("backup schedules kept with the policy (D-43)", () => {
  it("keeps backup-<systemId> as the policy's schedule says, starts a job when it fires, and removes it with the sources", async () => {
    const unit = await unitWithSystem();
    await assumeUnitRole(unit.tenant.tenantId);
    const data = await unitBucket();
    const sources = [{ type: "s3-prefix", bucket: data.bucket, prefix: data.prefix, roleArn }];
    const scheduler = new SchedulerClient(clientConfig());
    const name = `backup-${unit.systemId}`;

    const set = await call("PUT", `/systems/${unit.systemId}/policy`, {
      token: unit.token,
      body: serverPolicy(sources, { kind: "daily", at: "23:30", timezone: "Asia/Shanghai" }),
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const schedule = await scheduler.send(new GetScheduleCommand({ GroupName: "govdr-backups", Name: name }));
    // The emulator reads crons in UTC: 23:30 in Shanghai is 15:30 UTC.
    expect(schedule.ScheduleExpression).toBe("cron(30 15 * * ? *)");
    expect(JSON.parse(schedule.Target?.Input ?? "{}")).toEqual({
      tenantId: unit.tenant.tenantId,
      systemId: unit.systemId,
    });

    const fired = await new LambdaClient(clientConfig()).send(
      new InvokeCommand({ FunctionName: "govdr-scheduled-backup", Payload: schedule.Target?.Input }),
    );
    const result = JSON.parse(Buffer.from(fired.Payload ?? []).toString()) as { jobId?: string };
    expect(result.jobId, JSON.stringify(result)).toMatch(/^b-/);
    const job = await finished(unit.token, unit.systemId, result.jobId as string);
    expect(job).toMatchObject({ status: "completed", trigger: "schedule", requestedBy: "backup-schedule" });

    const agentOnly = await call("PUT", `/systems/${unit.systemId}/policy`, {
      token: unit.token,
      body: policy({ kind: "every", minutes: 30 }, "database-replication-or-cdp"),
    });
    expect(agentOnly.status).toBe(200);
    await expect(
      scheduler.send(new GetScheduleCommand({ GroupName: "govdr-backups", Name: name })),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  }, 240_000);
});
