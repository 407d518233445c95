import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { GetObjectCommand, GetObjectRetentionCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { s3DrillReports } from "../../shared/aws/drills.ts";
import { S3Sandbox } from "../../shared/stores/s3/sandbox.ts";
import { clientConfig, localStack, uniqueName } from "./support/emulator.ts";

const mib = 1024 * 1024;

describe("the drill's S3 adapters against the emulator", () => {
  it("streams a file larger than one part into the sandbox, and a body that fails leaves no object", async () => {
    const stack = localStack();
    const s3 = new S3Client(clientConfig(stack.regions.dr));
    const sandbox = new S3Sandbox(s3, stack.sandboxBucket);
    const prefix = `sandboxes/t-${"0".repeat(12)}/s-${"0".repeat(12)}/${uniqueName("d")}/`;
    const data = randomBytes(20 * mib + 123);
    const parts = Array.from({ length: Math.ceil(data.length / mib) }, (_, i) =>
      data.subarray(i * mib, (i + 1) * mib),
    );

    await sandbox.write(`${prefix}db/large.bin`, Readable.from(parts), data.length);
    async function* failing() {
      yield randomBytes(mib);
      throw new Error("chunk 2 failed its authentication");
    }
    await expect(
      sandbox.write(`${prefix}db/damaged.bin`, Readable.from(failing()), 3 * mib),
    ).rejects.toThrow();

    const { Body } = await s3.send(
      new GetObjectCommand({ Bucket: stack.sandboxBucket, Key: `${prefix}db/large.bin` }),
    );
    const stored = Buffer.from((await Body?.transformToByteArray()) ?? []);
    expect(createHash("sha256").update(stored).digest("hex")).toBe(
      createHash("sha256").update(data).digest("hex"),
    );
    const listed = [];
    for await (const object of sandbox.list(prefix)) listed.push(object);
    expect(listed).toEqual([{ key: `${prefix}db/large.bin`, size: data.length }]);
    expect(await sandbox.removeAll(prefix)).toBe(1);
    const after = [];
    for await (const object of sandbox.list(prefix)) after.push(object);
    expect(after).toEqual([]);
  });

  it("writes a report once per key under COMPLIANCE retention and reads it back", async () => {
    const stack = localStack();
    const s3 = new S3Client(clientConfig());
    const reports = s3DrillReports(stack.reportsBucket, s3);
    const key = `tenants/t-${"0".repeat(12)}/systems/s-${"0".repeat(12)}/drills/${uniqueName("d")}/report.html`;
    const retainUntil = new Date(Date.now() + 86_400_000);

    await reports.write(key, "<!doctype html><p>PASS</p>", "text/html; charset=utf-8", retainUntil);

    expect(await reports.read(key)).toContain("PASS");
    const { Retention } = await s3.send(
      new GetObjectRetentionCommand({ Bucket: stack.reportsBucket, Key: key }),
    );
    expect(Retention?.Mode).toBe("COMPLIANCE");
    expect(Retention?.RetainUntilDate?.getTime()).toBeGreaterThanOrEqual(retainUntil.getTime() - 1000);
  });
});
