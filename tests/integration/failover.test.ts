import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntil } from "../../cli/poll.ts";
import { call, signIn } from "./support/api.ts";
import { policy, system } from "./support/bodies.ts";
import { clientConfig, localStack } from "./support/emulator.ts";
import { addUser, seedTenantUser } from "./support/seed.ts";
import { type TestSite, testSite } from "./support/sites.ts";

const password = "Failover-Admin-2026!";
let primary: TestSite;
let dr: TestSite;
beforeAll(async () => {
  primary = await testSite("primary");
  dr = await testSite("dr");
});
afterAll(async () => {
  await primary.close();
  await dr.close();
});

type Json = Record<string, unknown>;

/** A unit with a system on the two test sites and a policy whose failover is as given. */
async function unitWithSites(failover: Json = {}, systemExtra: Json = {}) {
  const seeded = await seedTenantUser({ password, roles: ["tenant-admin"] });
  const { token } = await signIn(seeded.user.userName, password);
  const created = await call("POST", "/systems", {
    token,
    body: system("政务服务门户", { healthEndpoint: primary.url, ...systemExtra }),
  });
  const systemId = created.body.systemId as string;
  const body = policy({ kind: "every", minutes: 30 }, "database-replication-or-cdp");
  const set = await call("PUT", `/systems/${systemId}/policy`, {
    token,
    body: {
      ...body,
      failover: { ...body.failover, drHealthEndpoint: dr.url, approvalTimeoutMinutes: 30, ...failover },
    },
  });
  if (set.status !== 200) throw new Error(`policy: ${JSON.stringify(set)}`);
  return { tenantId: seeded.tenant.tenantId, token, systemId };
}

const until = (
  token: string,
  switchId: string,
  done: (s: Json) => boolean,
  what: string,
  timeoutMs = 120_000,
) =>
  pollUntil(
    async () => {
      const answer = await call("GET", `/failovers/${switchId}`, { token });
      return done(answer.body) ? answer.body : undefined;
    },
    { timeoutMs, intervalMs: 500, what },
  );
const ended = (s: Json) => ["completed", "rolled-back", "failed", "rejected"].includes(s.status as string);

describe("failover and failback on the emulator's Step Functions (issue #20)", () => {
  it("waits for approval, switches the route to the DR site with an achieved RTO, and fails back (R-FO-04, R-FO-06, R-FO-08)", async () => {
    const unit = await unitWithSites();

    const started = await call("POST", `/systems/${unit.systemId}/failovers`, {
      token: unit.token,
      body: { reason: "机房断电演练" },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const switchId = started.body.switchId as string;
    const second = await call("POST", `/systems/${unit.systemId}/failovers`, { token: unit.token, body: {} });
    expect(second).toMatchObject({ status: 409, body: { code: "FAILOVER_RUNNING" } });

    const waiting = await until(
      unit.token,
      switchId,
      (s) => s.status === "awaiting-approval",
      "the approval gate",
    );
    expect(waiting).toMatchObject({ phase: "approval", approval: { required: true } });
    expect((await call("GET", `/systems/${unit.systemId}/route`, { token: unit.token })).body).toMatchObject({
      activeSite: "primary",
    });
    const operator = await addUser(unit.tenantId, "tenant-operator", password);
    const operatorToken = (await signIn(operator.userName, password)).token;
    const byOperator = await call("POST", `/failovers/${switchId}/approve`, {
      token: operatorToken,
      body: {},
    });
    expect(byOperator).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });

    const approved = await call("POST", `/failovers/${switchId}/approve`, {
      token: unit.token,
      body: { comment: "同意切换" },
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const again = await call("POST", `/failovers/${switchId}/approve`, { token: unit.token, body: {} });
    expect(again).toMatchObject({ status: 409, body: { code: "NOT_AWAITING_APPROVAL" } });

    const done = await until(unit.token, switchId, ended, "the failover to end");
    expect(done, JSON.stringify(done)).toMatchObject({ status: "completed", phase: "done" });
    const member = (done.waves as { systems: Json[] }[])[0]?.systems[0] as Json;
    expect(member).toMatchObject({ status: "switched", from: "primary", to: "dr" });
    expect((member.achieved as { rtoSeconds: number }).rtoSeconds).toBeGreaterThan(0);
    expect(done.timings).toMatchObject({
      approvalSeconds: expect.any(Number),
      switchSeconds: expect.any(Number),
    });
    expect((await call("GET", `/systems/${unit.systemId}/route`, { token: unit.token })).body).toMatchObject({
      activeSite: "dr",
      fencedSite: "primary",
      switchId,
    });
    const report = await call("GET", `/failovers/${switchId}/report?format=json`, { token: unit.token });
    expect(report.body).toMatchObject({ kind: "govdr.emergency-response-report", switchover: { switchId } });
    const ofSystem = await call("GET", `/systems/${unit.systemId}/failovers/${switchId}`, {
      token: unit.token,
    });
    expect(ofSystem.body.switchId).toBe(switchId);

    const back = await call("POST", `/systems/${unit.systemId}/failbacks`, { token: unit.token, body: {} });
    expect(back.status, JSON.stringify(back.body)).toBe(202);
    const backId = back.body.switchId as string;
    await until(unit.token, backId, (s) => s.status === "awaiting-approval", "the failback's approval gate");
    expect((await call("POST", `/failovers/${backId}/approve`, { token: unit.token, body: {} })).status).toBe(
      200,
    );
    const returned = await until(unit.token, backId, ended, "the failback to end");
    expect(returned, JSON.stringify(returned)).toMatchObject({ kind: "failback", status: "completed" });
    expect((await call("GET", `/systems/${unit.systemId}/route`, { token: unit.token })).body).toMatchObject({
      activeSite: "primary",
      fencedSite: "dr",
    });
    const listed = await call("GET", "/failovers", { token: unit.token });
    expect((listed.body.items as Json[]).map((s) => s.switchId)).toEqual([backId, switchId]);
  });

  it("stops a rejected failover with nothing switched", async () => {
    const unit = await unitWithSites();
    const started = await call("POST", `/systems/${unit.systemId}/failovers`, {
      token: unit.token,
      body: {},
    });
    const switchId = started.body.switchId as string;
    await until(unit.token, switchId, (s) => s.status === "awaiting-approval", "the approval gate");

    const rejected = await call("POST", `/failovers/${switchId}/reject`, {
      token: unit.token,
      body: { comment: "主站点已恢复" },
    });

    expect(rejected.status).toBe(200);
    const done = await until(unit.token, switchId, ended, "the failover to end");
    expect(done).toMatchObject({ status: "rejected", approval: { decision: "rejected" } });
    expect((await call("GET", `/systems/${unit.systemId}/route`, { token: unit.token })).body).toMatchObject({
      activeSite: "primary",
    });
  });

  it("refuses a failover of a system without a DR health endpoint, and another unit's switchover is not found", async () => {
    const unit = await unitWithSites({ drHealthEndpoint: undefined });
    const other = await unitWithSites();

    const refused = await call("POST", `/systems/${unit.systemId}/failovers`, {
      token: unit.token,
      body: {},
    });
    const started = await call("POST", `/systems/${other.systemId}/failovers`, {
      token: other.token,
      body: {},
    });
    const foreign = await call("GET", `/failovers/${started.body.switchId}`, { token: unit.token });
    const foreignApproval = await call("POST", `/failovers/${started.body.switchId}/approve`, {
      token: unit.token,
      body: {},
    });

    expect(refused).toMatchObject({ status: 409, body: { code: "FAILOVER_NOT_CONFIGURED" } });
    expect(foreign.status).toBe(404);
    expect(foreignApproval.status).toBe(404);
    const waiting = await until(
      other.token,
      started.body.switchId as string,
      (s) => s.status === "awaiting-approval",
      "gate",
    );
    await call("POST", `/failovers/${waiting.switchId}/reject`, { token: other.token, body: {} });
  });

  it("fails over automatically when the primary misses its heartbeats, measured from the first miss (R-FO-02)", async () => {
    const unit = await unitWithSites({
      mode: "automatic",
      approvalRequired: false,
      heartbeat: { intervalSeconds: 5, failureThreshold: 2, timeoutSeconds: 2 },
    });
    primary.healthy = false;
    try {
      const lambda = new LambdaClient(clientConfig());
      const { FunctionError, Payload } = await lambda.send(
        new InvokeCommand({
          FunctionName: localStack().heartbeatMonitorFunction,
          Payload: Buffer.from(JSON.stringify({ windowSeconds: 12 })),
        }),
      );
      expect(FunctionError, Buffer.from(Payload ?? []).toString()).toBeUndefined();
      const switchover = await pollUntil(
        async () => {
          const listed = await call("GET", "/failovers", { token: unit.token });
          return (listed.body.items as Json[])[0];
        },
        { timeoutMs: 60_000, intervalMs: 1000, what: "the automatic failover to start" },
      );
      expect(switchover).toMatchObject({ trigger: "heartbeat", approval: { required: false } });
      const done = await until(
        unit.token,
        switchover.switchId as string,
        ended,
        "the automatic failover to end",
      );
      expect(done, JSON.stringify(done)).toMatchObject({ status: "completed" });
      expect((done.timings as { detectionSeconds: number }).detectionSeconds).toBeGreaterThanOrEqual(4);
      const beats = await call("GET", `/systems/${unit.systemId}/heartbeats`, { token: unit.token });
      expect(beats.body.state).toMatchObject({ status: "breached" });
      expect((beats.body.items as Json[]).length).toBeGreaterThanOrEqual(2);
    } finally {
      primary.healthy = true;
    }
  });
});
