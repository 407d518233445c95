import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import type { AuditRecord } from "../../shared/audit/event-schema.ts";
import { call } from "./support/api.ts";
import { clientConfig, localStack } from "./support/emulator.ts";
import { tenantWithAuditor } from "./support/seed.ts";

const s3 = () => new S3Client({ ...clientConfig(), forcePathStyle: true });

/** Runs the deployed archiver for one tenant, as an operator would before an exit. */
async function archiveNow(tenantId: string) {
  const { Payload, FunctionError } = await new LambdaClient(clientConfig()).send(
    new InvokeCommand({
      FunctionName: localStack().auditArchiverFunction,
      Payload: Buffer.from(JSON.stringify({ tenantIds: [tenantId] })),
    }),
  );
  const result = JSON.parse(Buffer.from(Payload ?? new Uint8Array()).toString("utf8"));
  expect(FunctionError, JSON.stringify(result)).toBeUndefined();
  return result as { records: number };
}

async function archivedObjects(tenantId: string) {
  const { Versions = [] } = await s3().send(
    new ListObjectVersionsCommand({ Bucket: localStack().auditArchiveBucket, Prefix: `audit/${tenantId}/` }),
  );
  return Versions.map((v) => ({ key: v.Key ?? "", versionId: v.VersionId ?? "" }));
}

async function activity() {
  const unit = await tenantWithAuditor();
  for (const name of ["社保核心", "公积金"]) {
    await call("POST", "/systems", { token: unit.admin.token, body: { name, importanceClass: 3 } });
  }
  await call("GET", "/systems", { token: unit.admin.token });
  return unit;
}

describe("audit archive on the local stack (R-AU, 000 §7.5.11)", () => {
  it("archives the trail in batches under 180-day COMPLIANCE retention, and verify checks the archive", async () => {
    const { tenant, auditor } = await activity();

    const { records } = await archiveNow(tenant.tenantId);

    expect(records).toBeGreaterThanOrEqual(4);
    const objects = await archivedObjects(tenant.tenantId);
    expect(objects.map((o) => o.key.split("/")[2]).sort()).toEqual(["digests", "records"]);
    for (const object of objects) {
      const { Retention } = await s3().send(
        new GetObjectRetentionCommand({
          Bucket: localStack().auditArchiveBucket,
          Key: object.key,
          VersionId: object.versionId,
        }),
      );
      expect(Retention?.Mode).toBe("COMPLIANCE");
      const days = ((Retention?.RetainUntilDate?.getTime() ?? 0) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(179.9);
    }
    const verified = await call("GET", "/audit/verify?source=archive", { token: auditor.token });
    expect(verified).toMatchObject({
      status: 200,
      body: { tenantId: tenant.tenantId, source: "archive", ok: true, archivedThrough: records },
    });
    expect(verified.body.checked).toBe(records);
  });

  it("refuses to delete a locked archive version through the SDK", async () => {
    const { tenant } = await activity();
    await archiveNow(tenant.tenantId);
    const [object] = await archivedObjects(tenant.tenantId);
    if (!object) throw new Error("nothing was archived");

    await expect(
      s3().send(
        new DeleteObjectCommand({
          Bucket: localStack().auditArchiveBucket,
          Key: object.key,
          VersionId: object.versionId,
        }),
      ),
    ).rejects.toMatchObject({ name: "AccessDenied" });
  });

  it("names the archived record someone rewrote as a new object version", async () => {
    const { tenant, auditor } = await activity();
    await archiveNow(tenant.tenantId);
    const batch = (await archivedObjects(tenant.tenantId)).find((o) => o.key.includes("/records/"));
    if (!batch) throw new Error("no archived batch");
    const { Body } = await s3().send(
      new GetObjectCommand({ Bucket: localStack().auditArchiveBucket, Key: batch.key }),
    );
    const lines = (await Body?.transformToString())?.split("\n") ?? [];
    const record = JSON.parse(lines[2] ?? "") as AuditRecord;
    record.event.sourceIPAddress = "203.0.113.7";
    lines[2] = JSON.stringify(record);

    await s3().send(
      new PutObjectCommand({
        Bucket: localStack().auditArchiveBucket,
        Key: batch.key,
        Body: lines.join("\n"),
      }),
    );

    const verified = await call("GET", "/audit/verify?source=archive", { token: auditor.token });
    expect(verified).toMatchObject({
      status: 200,
      body: {
        ok: false,
        firstProblem: { kind: "altered", sequence: record.sequence, eventID: record.event.eventID },
      },
    });
    const index = await call("GET", "/audit/verify", { token: auditor.token });
    expect(index.body).toMatchObject({ source: "index", ok: true });
  });

  it("keeps another unit's archive out of reach", async () => {
    const a = await activity();
    const b = await activity();
    await archiveNow(b.tenant.tenantId);

    const response = await call("GET", `/audit/verify?source=archive&tenantId=${b.tenant.tenantId}`, {
      token: a.auditor.token,
    });

    expect(response.status).toBe(404);
  });
});
