import {
  GetBucketReplicationCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { clientConfig, localStack, pollUntil, uniqueName } from "./support/emulator.ts";

describe("local stack: API", () => {
  it("answers GET /health with 200 through API Gateway and the health Lambda", async () => {
    const response = await fetch(`${localStack().apiUrl}/health`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", service: "govdr" });
  });

  it("serves its OpenAPI 3.1 document publicly at /openapi.json", async () => {
    const response = await fetch(`${localStack().apiUrl}/openapi.json`);

    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/auth/login", "/systems/{systemId}/policy", "/audit/verify"]),
    );
  });

  it("refuses a protected route without a token with 401 and the API's error shape", async () => {
    const response = await fetch(`${localStack().apiUrl}/tenants`);

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: "UNAUTHENTICATED", message: "Sign in first" });
  });

  it("refuses a forged token on every protected route with 401", async () => {
    for (const [method, path] of [
      ["GET", "/tenants"],
      ["POST", "/tenants/t-aaaaaaaaaaaa/approve"],
      ["POST", "/auth/refresh"],
      ["POST", "/systems"],
    ]) {
      const response = await fetch(`${localStack().apiUrl}${path}`, {
        method,
        headers: { authorization: "Bearer forged.jwt.token", "content-type": "application/json" },
        body: method === "GET" ? undefined : "{}",
      });
      expect(response.status, path).toBe(401);
      expect(await response.json()).toEqual({ code: "UNAUTHENTICATED", message: "Sign in first" });
    }
  });
});

describe("local stack: vault buckets", () => {
  const s3 = () => new S3Client(clientConfig());

  it("carry Object Lock COMPLIANCE default retention in both regions after the post-deploy step", async () => {
    const { vaultBucket, drVaultBucket, regions } = localStack();
    for (const [Bucket, region] of [
      [vaultBucket, regions.primary],
      [drVaultBucket, regions.dr],
    ] as const) {
      const client = new S3Client(clientConfig(region));
      const { ObjectLockConfiguration } = await client.send(
        new GetObjectLockConfigurationCommand({ Bucket }),
      );
      expect(ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: "Enabled",
        Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 30 } },
      });
    }
  });

  it("lock every new object version by default and replicate it to the DR vault", async () => {
    const { vaultBucket, drVaultBucket, regions } = localStack();
    const Key = `probe/${uniqueName("replication")}`;
    const { ReplicationConfiguration } = await s3().send(
      new GetBucketReplicationCommand({ Bucket: vaultBucket }),
    );
    expect(ReplicationConfiguration?.Rules?.[0]?.Destination?.Bucket).toContain(drVaultBucket);

    await s3().send(new PutObjectCommand({ Bucket: vaultBucket, Key, Body: "replicate me" }));

    const source = await s3().send(new HeadObjectCommand({ Bucket: vaultBucket, Key }));
    expect(source.ObjectLockMode).toBe("COMPLIANCE");
    expect(source.ServerSideEncryption).toBe("aws:kms");
    const dr = new S3Client(clientConfig(regions.dr));
    const replica = await pollUntil(
      () => dr.send(new HeadObjectCommand({ Bucket: drVaultBucket, Key })).catch(() => undefined),
      { timeoutMs: 30_000, what: "the replica in the DR vault" },
    );
    expect(replica.ContentLength).toBe("replicate me".length);
  });
});

describe("local stack: orchestration", () => {
  it("runs the self-check state machine to success, reaching tables and vault through its task Lambda", async () => {
    const sfn = new SFNClient(clientConfig());
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: localStack().selfCheckStateMachineArn, input: "{}" }),
    );

    const execution = await pollUntil(
      async () => {
        const e = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return e.status === "RUNNING" ? undefined : e;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: "the self-check execution" },
    );

    expect(execution.status, execution.error ?? "").toBe("SUCCEEDED");
    const report = JSON.parse(execution.output ?? "{}");
    expect(report.ok).toBe(true);
    expect(report.probes.map((p: { name: string; ok: boolean }) => p.ok)).toEqual([true, true, true]);
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = (history.events ?? []).map((e) => e.type);
    expect(types).toContain("TaskSucceeded");
    expect(types).not.toContain("ExecutionFailed");
  });
});
