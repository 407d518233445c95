import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type RouteDoc, routes } from "../../../shared/api/routes.ts";
import { breachHandlers } from "../../../shared/failover/breach.ts";
import { HealthCheckFailedError } from "../../../shared/failover/errors.ts";
import { finish } from "../../../shared/failover/finish.ts";
import { canonicalJson } from "../../../shared/failover/report.ts";
import { asRetryable } from "../../../shared/failover/retryable.ts";
import { sweepSwitchovers } from "../../../shared/failover/sweep.ts";
import { SwitchoverService } from "../../../shared/failover/switchover-service.ts";
import { checkWaves, planWaves } from "../../../shared/failover/waves.ts";
import { defaultIdentitySettings } from "../../../shared/identity/settings.ts";
import { checkAccess } from "../../../shared/lambda/route-access.ts";
import { newPolicySchema } from "../../../shared/policies/policy-schema.ts";
import { SystemService } from "../../../shared/systems/system-service.ts";
import { claimsFor, makeTenant } from "../../support/identity-fixtures.ts";
import { MemoryHeartbeatTargets } from "../../support/memory-heartbeat.ts";
import { MemoryDrillSchedules, MemoryStores } from "../../support/memory-stores.ts";
import { switchoverWorld } from "../../support/switchovers.ts";
import { systemInput } from "../../support/systems.ts";

const approver = (tenantId: string) => ({ tid: tenantId, sub: "u-approver0001" });

describe("switchover waves (R-CL-07, R-FO-03)", () => {
  const system = (systemId: string, recoveryPriority: number, dependsOn: string[] = []) => ({
    systemId,
    recoveryPriority,
    dependsOn,
  });

  it("put the highest priority first and a system after what it depends on, even of a lower priority", () => {
    expect(
      planWaves([
        system("a", 5, ["c"]),
        system("b", 5),
        system("c", 2),
        system("d", 4, ["b"]),
        system("e", 4),
      ]),
    ).toEqual([["b"], ["e", "d"].sort(), ["c"], ["a"]]);
  });

  it("ignore a dependency outside the plan", () => {
    expect(planWaves([system("a", 3, ["outside"])])).toEqual([["a"]]);
  });

  it("refuse written waves that put a system with or before its dependency, naming the place", () => {
    expect(() => checkWaves([["a", "b"]], [system("a", 3), system("b", 3, ["a"])])).toThrow(
      expect.objectContaining({
        code: "VALIDATION_FAILED",
        fieldErrors: [expect.objectContaining({ path: "waves.0.1" })],
      }),
    );
    expect(() => checkWaves([["a"], ["a"]], [system("a", 3)])).toThrow(
      expect.objectContaining({ fieldErrors: [expect.objectContaining({ path: "waves.1.0" })] }),
    );
    expect(() =>
      checkWaves([["b"], ["a"]], [system("a", 3), system("b", 3, ["a"])], "reverse"),
    ).not.toThrow();
  });
});

describe("starting and deciding switchovers (issue #20)", () => {
  it("refuses a second switchover of a system while one holds it (409 FAILOVER_RUNNING)", async () => {
    const w = await switchoverWorld([{ name: "portal" }, { name: "search" }]);
    const first = await w.api.start(w.requester, "failover", { systems: [w.id("portal")] });

    await expect(
      w.api.start(w.requester, "failover", { systems: [w.id("search"), w.id("portal")] }),
    ).rejects.toMatchObject({ code: "FAILOVER_RUNNING", message: expect.stringContaining(first.switchId) });
    expect(w.started).toHaveLength(1);
  });

  it("refuses a failback of a system the primary serves, and a failover of one the DR site serves (WRONG_ACTIVE_SITE)", async () => {
    const w = await switchoverWorld([{ name: "portal" }]);
    await expect(w.api.start(w.requester, "failback", { systems: [w.id("portal")] })).rejects.toMatchObject({
      code: "WRONG_ACTIVE_SITE",
    });
    await w.routes.put({
      tenantId: w.tenant.tenantId,
      systemId: w.id("portal"),
      activeSite: "dr",
      switchedAt: new Date().toISOString(),
      adapter: "record",
      version: 1,
    });
    await expect(w.api.start(w.requester, "failover", { systems: [w.id("portal")] })).rejects.toMatchObject({
      code: "WRONG_ACTIVE_SITE",
    });
  });

  it("refuses a system without a DR health endpoint (FAILOVER_NOT_CONFIGURED) and an unknown one (404)", async () => {
    const w = await switchoverWorld([{ name: "portal", failover: { drHealthEndpoint: undefined } }]);
    await expect(w.api.start(w.requester, "failover", { systems: [w.id("portal")] })).rejects.toMatchObject({
      code: "FAILOVER_NOT_CONFIGURED",
    });
    await expect(w.api.start(w.requester, "failover", { systems: ["s-000000000000"] })).rejects.toMatchObject(
      {
        code: "NOT_FOUND",
      },
    );
  });

  it("marks a switchover it could not start as failed and frees its systems (503)", async () => {
    const w = await switchoverWorld([{ name: "portal" }]);
    const runnerFails = new SwitchoverService({
      switchovers: w.switchovers,
      systems: w.stores.systems,
      routes: w.routes,
      runner: {
        executionArnOf: () => "arn:aws:states:cn-north-1:000000000000:execution:govdr-failover:x",
        start: async () => {
          throw new Error("states is down");
        },
      },
      gate: { approve: async () => {}, reject: async () => {} },
      now: () => new Date(),
    });

    await expect(
      runnerFails.start(w.requester, "failover", { systems: [w.id("portal")] }),
    ).rejects.toMatchObject({
      code: "DEPENDENCY_UNAVAILABLE",
    });
    const [record] = (await w.switchovers.list(w.tenant.tenantId, { limit: 5 })).items;
    expect(record).toMatchObject({ status: "failed", error: { code: "DEPENDENCY_UNAVAILABLE" } });
    await expect(w.api.start(w.requester, "failover", { systems: [w.id("portal")] })).resolves.toBeDefined();
  });

  it("approves only a switchover waiting at its gate, and of two deciders at once only one (NOT_AWAITING_APPROVAL)", async () => {
    const w = await switchoverWorld([{ name: "portal" }]);
    const started = await w.api.start(w.requester, "failover", { systems: [w.id("portal")] });
    await expect(
      w.api.decide(approver(w.tenant.tenantId), started.switchId, "approved"),
    ).rejects.toMatchObject({
      code: "NOT_AWAITING_APPROVAL",
    });
    const stored = await w.switchovers.get(w.tenant.tenantId, started.switchId);
    await w.switchovers.putApprovalToken(
      w.tenant.tenantId,
      started.switchId,
      "token-1",
      new Date(Date.now() + 60_000).toISOString(),
    );
    await w.switchovers.update({
      ...(stored as NonNullable<typeof stored>),
      status: "awaiting-approval",
      approval: {
        ...(stored?.approval as NonNullable<typeof stored>["approval"]),
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      },
      version: (stored?.version ?? 0) + 1,
    });

    const [first, second] = await Promise.allSettled([
      w.api.decide(approver(w.tenant.tenantId), started.switchId, "approved", "go"),
      w.api.decide(approver(w.tenant.tenantId), started.switchId, "rejected"),
    ]);

    expect([first.status, second.status].sort()).toEqual(["fulfilled", "rejected"]);
    expect(w.gateCalls).toHaveLength(1);
    expect(await w.switchovers.dueApprovals(new Date(Date.now() + 120_000))).toEqual([]);
  });

  it("refuses an approval after the gate's deadline (NOT_AWAITING_APPROVAL)", async () => {
    let now = new Date();
    const w = await switchoverWorld([{ name: "portal" }], { now: () => now });
    const started = await w.api.start(w.requester, "failover", { systems: [w.id("portal")] });
    const stored = await w.switchovers.get(w.tenant.tenantId, started.switchId);
    const deadline = new Date(now.getTime() + 60_000).toISOString();
    await w.switchovers.putApprovalToken(w.tenant.tenantId, started.switchId, "token-2", deadline);
    await w.switchovers.update({
      ...(stored as NonNullable<typeof stored>),
      status: "awaiting-approval",
      approval: { ...(stored as NonNullable<typeof stored>).approval, expiresAt: deadline },
      version: 2,
    });
    now = new Date(now.getTime() + 61_000);

    await expect(
      w.api.decide(approver(w.tenant.tenantId), started.switchId, "approved"),
    ).rejects.toMatchObject({
      code: "NOT_AWAITING_APPROVAL",
      message: expect.stringContaining("expired"),
    });
    expect(w.gateCalls).toEqual([]);
  });

  it("is not found by another unit (404)", async () => {
    const w = await switchoverWorld([{ name: "portal" }]);
    const started = await w.api.start(w.requester, "failover", { systems: [w.id("portal")] });
    await expect(w.api.get({ tenantId: "t-000000000000" }, started.switchId)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(
      w.api.getForSystem({ tenantId: w.tenant.tenantId }, "s-000000000000", started.switchId),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("the switchover sweep", () => {
  it("fails a gate past its deadline with ApprovalExpiredError, once", async () => {
    const w = await switchoverWorld([{ name: "portal" }]);
    const started = await w.api.start(w.requester, "failover", { systems: [w.id("portal")] });
    const stored = await w.switchovers.get(w.tenant.tenantId, started.switchId);
    const past = new Date(Date.now() - 1000).toISOString();
    await w.switchovers.putApprovalToken(w.tenant.tenantId, started.switchId, "token-9", past);
    await w.switchovers.update({
      ...(stored as NonNullable<typeof stored>),
      status: "awaiting-approval",
      version: 2,
    });
    const rejected: string[] = [];
    const deps = {
      switchovers: w.switchovers,
      gate: { reject: async (token: string, error: string) => void rejected.push(`${token}:${error}`) },
      executionRunning: async () => true,
      now: () => new Date(),
      notifier: w.deps.notifier,
      audit: w.deps.audit,
      region: "cn-north-1",
    };

    expect(await sweepSwitchovers(deps)).toEqual({ expired: 1, ended: 0 });
    expect(await sweepSwitchovers(deps)).toEqual({ expired: 0, ended: 0 });
    expect(rejected).toEqual(["token-9:ApprovalExpiredError"]);
  });

  it("ends a switchover whose execution died holding its slots, and frees the systems (SWITCHOVER_ABORTED)", async () => {
    let now = new Date();
    const w = await switchoverWorld([{ name: "portal" }], { now: () => now });
    const started = await w.api.start(w.requester, "failover", { systems: [w.id("portal")] });
    now = new Date(now.getTime() + 8 * 3600_000);
    const deps = {
      switchovers: w.switchovers,
      gate: { reject: async () => {} },
      executionRunning: async () => false,
      now: () => now,
      notifier: w.deps.notifier,
      audit: w.deps.audit,
      region: "cn-north-1",
    };

    expect(await sweepSwitchovers(deps)).toEqual({ expired: 0, ended: 1 });
    expect(await w.switchovers.get(w.tenant.tenantId, started.switchId)).toMatchObject({
      status: "failed",
      error: { code: "SWITCHOVER_ABORTED" },
    });
    expect(w.auditEvents()).toEqual(["FailoverEnded"]);
    expect(w.notifications.map(([, m]) => m.kind)).toEqual(["failover-result"]);
    await expect(w.api.start(w.requester, "failover", { systems: [w.id("portal")] })).resolves.toBeDefined();
  });
});

describe("what a heartbeat breach does (R-FO-02)", () => {
  const target = (tenantId: string, systemId: string) => ({
    tenantId,
    systemId,
    url: "http://primary.portal.test/health",
    intervalSeconds: 5,
    timeoutSeconds: 2,
    failureThreshold: 3,
    policyVersion: 1,
  });
  const state = (tenantId: string, systemId: string) => ({
    tenantId,
    systemId,
    status: "breached" as const,
    consecutiveFailures: 3,
    firstFailureAt: new Date(Date.now() - 15_000).toISOString(),
    breachedAt: new Date().toISOString(),
    version: 4,
  });

  it("starts an automatic failover from the first missed heartbeat, once however often it is told", async () => {
    const w = await switchoverWorld([
      { name: "portal", failover: { mode: "automatic", approvalRequired: false } },
    ]);
    const handlers = breachHandlers({
      switchovers: w.api,
      systems: w.stores.systems,
      notifier: w.deps.notifier,
      audit: w.audit,
      now: () => new Date(),
      region: "cn-north-1",
    });
    const breach = state(w.tenant.tenantId, w.id("portal"));

    await handlers.onBreach(target(w.tenant.tenantId, w.id("portal")), breach);
    await handlers.onBreach(target(w.tenant.tenantId, w.id("portal")), breach);

    expect(w.started).toHaveLength(1);
    const [record] = (await w.switchovers.list(w.tenant.tenantId, { limit: 5 })).items;
    expect(record).toMatchObject({
      trigger: "heartbeat",
      declaredAt: breach.firstFailureAt,
      approval: { required: false },
    });
    expect(w.notifications.map(([, m]) => m.kind)).toEqual(["heartbeat-breach", "heartbeat-breach"]);
    expect(w.auditEvents()).toEqual(["HeartbeatBreached", "HeartbeatBreached"]);
  });

  it("starts a failover that waits for approval when the policy is manual, and only alarms for restore-from-dr", async () => {
    const w = await switchoverWorld([
      { name: "portal" },
      { name: "archive", recoveryPriority: 1, failover: { mode: "restore-from-dr", approvalRequired: true } },
    ]);
    const handlers = breachHandlers({
      switchovers: w.api,
      systems: w.stores.systems,
      notifier: w.deps.notifier,
      audit: w.audit,
      now: () => new Date(),
      region: "cn-north-1",
    });

    await handlers.onBreach(
      target(w.tenant.tenantId, w.id("portal")),
      state(w.tenant.tenantId, w.id("portal")),
    );
    await handlers.onBreach(
      target(w.tenant.tenantId, w.id("archive")),
      state(w.tenant.tenantId, w.id("archive")),
    );

    const records = (await w.switchovers.list(w.tenant.tenantId, { limit: 5 })).items;
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ approval: { required: true } });
    expect(w.notifications.at(-1)?.[1].text).toContain("alarm only");
  });
});

describe("what a switchover step throws", () => {
  it("turns a throttled or failed AWS call into the DependencyUnavailableError the machines retry, and leaves the rest", () => {
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    const failed = Object.assign(new Error("internal"), {
      name: "InternalServerError",
      $metadata: { httpStatusCode: 500 },
    });
    const refused = Object.assign(new Error("denied"), {
      name: "AccessDeniedException",
      $metadata: { httpStatusCode: 403 },
    });
    const named = new HealthCheckFailedError("the DR site does not answer");

    expect(asRetryable(throttled)).toMatchObject({ name: "DependencyUnavailableError", cause: throttled });
    expect(asRetryable(failed)).toMatchObject({ name: "DependencyUnavailableError" });
    expect(asRetryable(refused)).toBe(refused);
    expect(asRetryable(named)).toBe(named);
  });
});

describe("who may decide an approval gate", () => {
  it("asks for a sign-in within 5 minutes, even where the unit's settings allow 30 (issue #20)", async () => {
    const now = new Date();
    const claims = {
      ...claimsFor(["tenant-admin"], "t-000000000001"),
      auth_time: Math.floor(now.getTime() / 1000) - 10 * 60,
    };
    const settings = async () => ({ ...defaultIdentitySettings, reauthenticationMinutes: 30 });
    const request = { claims, path: { failoverId: "f-000000000001" }, query: {} };

    await expect(
      checkAccess(routes["POST /failovers/{failoverId}/approve"] as RouteDoc, request, {
        now: () => now,
        settings,
      }),
    ).rejects.toMatchObject({ code: "REAUTHENTICATION_REQUIRED" });
    await expect(
      checkAccess(
        routes["PUT /systems/{systemId}/policy"] as RouteDoc,
        { ...request, path: { systemId: "s-000000000001" } },
        { now: () => now, settings },
      ),
    ).resolves.toMatchObject({ tenantId: "t-000000000001" });
  });
});

describe("the heartbeat registry follows the system", () => {
  it("moves a system's heartbeat to its new health endpoint when the system changes, and drops it with the endpoint", async () => {
    const stores = new MemoryStores();
    const tenant = makeTenant(new Date());
    stores.tenantMap.set(tenant.tenantId, tenant);
    const targets = new MemoryHeartbeatTargets();
    const service = new SystemService({
      systems: stores.systems,
      now: () => new Date(),
      primaryRegion: "cn-north-1",
      drillSchedules: new MemoryDrillSchedules(),
      heartbeatTargets: targets,
    });
    const system = await service.create(
      tenant,
      systemInput({ healthEndpoint: "https://old.example.gov.cn/health" }),
    );
    const w = await switchoverWorld([{ name: "template" }]);
    const policy = (await w.stores.systems.getPolicy(w.tenant.tenantId, w.id("template"), 1))?.policy;
    await service.setPolicy(tenant, system, policy as NonNullable<typeof policy>, "test");
    expect((await targets.get(tenant.tenantId, system.systemId))?.url).toBe(
      "https://old.example.gov.cn/health",
    );

    const stored = (await stores.systems.get(tenant.tenantId, system.systemId)) as NonNullable<
      Awaited<ReturnType<typeof stores.systems.get>>
    >;
    const moved = await service.update(
      tenant,
      stored,
      systemInput({ healthEndpoint: "https://new.example.gov.cn/health" }),
    );
    expect((await targets.get(tenant.tenantId, system.systemId))?.url).toBe(
      "https://new.example.gov.cn/health",
    );
    await service.update(tenant, moved, systemInput({ healthEndpoint: undefined }));
    expect(await targets.get(tenant.tenantId, system.systemId)).toBeUndefined();
  });
});

describe("a failover policy's adapter settings", () => {
  it("asks the route53 adapter for the unit's own switching role, and names the field", async () => {
    const w = await switchoverWorld([{ name: "portal" }]);
    const stored = (await w.stores.systems.getPolicy(w.tenant.tenantId, w.id("portal"), 1))?.policy;
    const route53 = {
      hostedZoneId: "Z0123456789ABC",
      recordName: "portal.example.gov.cn",
      recordType: "CNAME",
      primaryTarget: "primary.example.gov.cn",
      drTarget: "dr.example.gov.cn",
    };
    const withoutRole = newPolicySchema.safeParse({
      ...stored,
      failover: { ...stored?.failover, adapter: "route53", route53 },
    });
    const withRole = newPolicySchema.safeParse({
      ...stored,
      failover: {
        ...stored?.failover,
        adapter: "route53",
        route53: { ...route53, roleArn: "arn:aws-cn:iam::123456789012:role/govdr-switch-portal" },
      },
    });

    expect(withoutRole.error?.issues.map((i) => i.path.join("."))).toEqual(["failover.route53.roleArn"]);
    expect(withRole.success).toBe(true);
  });
});

describe("the end of a switchover", () => {
  it("is announced once even when its first Finish failed to notify, and its report's hash is of the stored record", async () => {
    const w = await switchoverWorld([{ name: "portal" }]);
    const started = await w.api.start(w.requester, "failover", { systems: [w.id("portal")] });
    const key = { tenantId: w.tenant.tenantId, switchId: started.switchId };
    const publish = w.deps.notifier.publish;
    w.deps.notifier.publish = async () => {
      throw new Error("SNS is down");
    };

    await expect(finish(w.deps, key, { Error: "SwitchoverRejectedError", Cause: "no" })).rejects.toThrow(
      "SNS is down",
    );
    w.deps.notifier.publish = publish;
    await finish(w.deps, key, { Error: "SwitchoverRejectedError", Cause: "no" });
    await finish(w.deps, key, { Error: "SwitchoverRejectedError", Cause: "no" });

    expect(w.notifications.map(([, m]) => m.kind)).toEqual(["failover-result"]);
    expect(w.auditEvents().filter((e) => e === "FailoverEnded")).toHaveLength(1);
    const record = await w.switchovers.get(key.tenantId, key.switchId);
    expect(record?.status).toBe("rejected");
    const report = JSON.parse(w.reports.get(record?.report?.json ?? "") ?? "{}");
    expect(report.evidence.recordSha256).toBe(
      createHash("sha256").update(canonicalJson(record)).digest("hex"),
    );
  });
});
