import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntil } from "../../cli/poll.ts";
import { call } from "./support/api.ts";
import { backUp, replicated, unitWithSystem } from "./support/dr-unit.ts";
import { clientConfig, localStack } from "./support/emulator.ts";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-drills-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const finished = (token: string, systemId: string, drillId: string) =>
  pollUntil(
    async () => {
      const answer = await call("GET", `/systems/${systemId}/drills/${drillId}`, { token });
      return answer.body.status === "running" ? undefined : answer.body;
    },
    { timeoutMs: 120_000, intervalMs: 1000, what: `drill ${drillId} to finish` },
  );

async function sandboxObjects(prefix: string) {
  const stack = localStack();
  const dr = new S3Client(clientConfig(stack.regions.dr));
  const { KeyCount = 0 } = await dr.send(
    new ListObjectsV2Command({ Bucket: stack.sandboxBucket, Prefix: prefix }),
  );
  return KeyCount;
}

describe("restore drills on the local stack (issue #18, R-DRL-01)", () => {
  it("runs a drill of the latest replicated snapshot to a PASS with numeric RTO/RPO, a report, and no sandbox left", async () => {
    const unit = await unitWithSystem();
    const { snapshotId, prefix } = await backUp(unit, work);
    await replicated(prefix, snapshotId);

    const started = await call("POST", `/systems/${unit.systemId}/drills`, { token: unit.token, body: {} });
    const second = await call("POST", `/systems/${unit.systemId}/drills`, { token: unit.token, body: {} });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const drillId = started.body.drillId as string;
    expect(second).toMatchObject({ status: 409, body: { code: "DRILL_RUNNING" } });
    expect(second.body.message).toContain(drillId);

    const drill = await finished(unit.token, unit.systemId, drillId);
    expect(drill, JSON.stringify(drill)).toMatchObject({
      status: "completed",
      verdict: "PASS",
      type: "simulated",
      recoveryPoint: { snapshotId },
      verification: { damagedCount: 0 },
    });
    const achieved = drill.achieved as { rtoSeconds: number; rpoSeconds: number };
    expect(achieved.rtoSeconds).toBeGreaterThan(0);
    expect(achieved.rpoSeconds).toBeGreaterThan(0);
    expect((drill.verification as { verifiedFiles: number }).verifiedFiles).toBeGreaterThan(0);
    expect((drill.steps as { name: string }[]).map((s) => s.name)).toEqual([
      "plan",
      "restore",
      "verify",
      "evaluate",
      "report",
      "cleanup",
      "notify",
    ]);
    expect(await sandboxObjects(`sandboxes/${unit.tenant.tenantId}/`)).toBe(0);

    const html = await fetch(`${localStack().apiUrl}/systems/${unit.systemId}/drills/${drillId}/report`, {
      headers: { authorization: `Bearer ${unit.token}` },
    });
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toContain("text/html");
    const page = await html.text();
    expect(page).toContain("PASS");
    expect(page).toContain("<svg");
    const json = await call("GET", `/systems/${unit.systemId}/drills/${drillId}/report?format=json`, {
      token: unit.token,
    });
    expect(json.body).toMatchObject({ kind: "govdr.drill-report", drill: { drillId, verdict: "PASS" } });
    const listed = await call("GET", `/systems/${unit.systemId}/drills`, { token: unit.token });
    expect((listed.body.items as { drillId: string }[]).map((d) => d.drillId)).toEqual([drillId]);
  });

  it("refuses a point in time before any snapshot (404 NO_RECOVERY_POINT), a future one and a bad type (400), and starts nothing", async () => {
    const unit = await unitWithSystem();

    const none = await call("POST", `/systems/${unit.systemId}/drills`, { token: unit.token, body: {} });
    const future = await call("POST", `/systems/${unit.systemId}/drills`, {
      token: unit.token,
      body: { pointInTime: new Date(Date.now() + 3_600_000).toISOString() },
    });
    const badType = await call("POST", `/systems/${unit.systemId}/drills`, {
      token: unit.token,
      body: { type: "chaos" },
    });

    expect(none).toMatchObject({ status: 404, body: { code: "NO_RECOVERY_POINT" } });
    expect(future).toMatchObject({ status: 400, body: { code: "VALIDATION_FAILED" } });
    expect(badType).toMatchObject({ status: 400, body: { code: "VALIDATION_FAILED" } });
    expect(JSON.stringify(badType.body)).toContain("type");
    const listed = await call("GET", `/systems/${unit.systemId}/drills`, { token: unit.token });
    expect(listed.body.items).toEqual([]);
  });
});
