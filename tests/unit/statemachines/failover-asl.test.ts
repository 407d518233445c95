import { describe, expect, it } from "vitest";
import { HealthCheckFailedError } from "../../../shared/failover/errors.ts";
import { RouteSwitchFailedError } from "../../../shared/routing/errors.ts";
import { approve, reject, runMachine } from "../../support/switchover-machine.ts";
import { switchoverWorld, type WorldSystem } from "../../support/switchovers.ts";

const world = (systems: WorldSystem[]) => switchoverWorld(systems);

describe("statemachines/failover.asl.json run by an ASL interpreter with the switchover steps (issue #20, D-7)", () => {
  it("waits at the approval gate, then fences, recovers, checks, switches, verifies and records, and the DR site serves (R-FO-08)", async () => {
    const w = await world([{ name: "portal" }]);
    const started = await w.api.start(w.requester, "failover", { systems: [w.id("portal")] });

    const run = await runMachine(w, "failover", started.switchId, approve(w));

    expect(run.failure).toBeUndefined();
    expect(run.invocations).toEqual([
      "Precheck",
      "Approval",
      "NextWave",
      "Fence:portal",
      "Recover:portal",
      "Check:portal",
      "Switch:portal",
      "Verify:portal",
      "Record:portal",
      "EndWave",
      "NextWave",
      "Finish",
    ]);
    expect(run.record).toMatchObject({
      status: "completed",
      phase: "done",
      approval: { required: true, decision: "approved", decidedBy: "u-approver0001" },
    });
    const system = run.record.waves[0]?.systems[0];
    expect(system?.status).toBe("switched");
    expect(system?.steps.map((s) => [s.name, s.status])).toEqual(
      ["fence", "recover", "check", "switch", "verify", "record"].map((n) => [n, "succeeded"]),
    );
    expect(system?.achieved?.rtoSeconds).toBeGreaterThanOrEqual(0);
    expect(system?.achieved?.rpoSeconds).toBeGreaterThanOrEqual(299);
    expect(await w.routes.get(w.tenant.tenantId, w.id("portal"))).toMatchObject({
      activeSite: "dr",
      fencedSite: "primary",
      switchId: started.switchId,
    });
    expect(run.record.timings?.totalSeconds).toBeGreaterThanOrEqual(0);
    expect(w.reports.get(run.record.report?.html ?? "")).toContain("Emergency response report");
    expect(JSON.parse(w.reports.get(run.record.report?.json ?? "") ?? "{}").evidence.recordSha256).toMatch(
      /^[0-9a-f]{64}$/,
    );
    expect(w.notifications.map(([, m]) => m.kind)).toEqual(["failover-approval", "failover-result"]);
    expect(w.auditEvents()).toEqual([
      "FailoverPrecheck",
      "FailoverApprovalRequested",
      "FailoverWaveStarted",
      "FailoverFence",
      "FailoverRecover",
      "FailoverCheck",
      "FailoverSwitch",
      "FailoverVerify",
      "FailoverRecord",
      "FailoverWaveCompleted",
      "FailoverEnded",
    ]);
  });

  it("skips the approval gate for an automatic failover on a heartbeat breach (R-FO-02)", async () => {
    const w = await world([{ name: "portal", failover: { mode: "automatic", approvalRequired: false } }]);
    const started = await w.api.start(
      {
        ...w.requester,
        requestedBy: "govdr-heartbeat",
        trigger: "heartbeat",
        declaredAt: new Date(Date.now() - 20_000),
      },
      "failover",
      { systems: [w.id("portal")] },
    );

    const run = await runMachine(w, "failover", started.switchId);

    expect(run.invocations).not.toContain("Approval");
    expect(run.record).toMatchObject({ status: "completed", approval: { required: false } });
    expect(run.record.timings?.detectionSeconds).toBeGreaterThanOrEqual(19);
    expect(run.record.achieved?.rtoSeconds).toBeGreaterThanOrEqual(19);
  });

  it("stops a rejected failover before anything is switched, as rejected (SwitchoverRejectedError)", async () => {
    const w = await world([{ name: "portal" }]);
    const started = await w.api.start(w.requester, "failover", { systems: [w.id("portal")] });

    const run = await runMachine(w, "failover", started.switchId, reject(w, "not now"));

    expect(run.record).toMatchObject({ status: "rejected", error: { code: "SWITCHOVER_REJECTED" } });
    expect(String(run.failure?.message)).toContain("The switchover did not complete");
    expect(w.adapterCalls).toEqual([]);
    expect(await w.routes.get(w.tenant.tenantId, w.id("portal"))).toBeUndefined();
  });

  it("ends an approval that expired (the sweep fails the gate with ApprovalExpiredError) as failed, nothing switched", async () => {
    const w = await world([{ name: "portal" }]);
    const started = await w.api.start(w.requester, "failover", { systems: [w.id("portal")] });

    const run = await runMachine(w, "failover", started.switchId, async (waiting) => {
      await w.deps.switchovers
        .approvalToken(w.tenant.tenantId, waiting.switchId)
        .then((token) => w.api.rejectAtGate(token as string, "ApprovalExpiredError", "not approved in time"));
    });

    expect(run.record).toMatchObject({
      status: "failed",
      error: { code: "APPROVAL_EXPIRED" },
      approval: { decision: "expired" },
    });
    expect(w.adapterCalls).toEqual([]);
  });

  it("retries a HealthCheckFailedError by name while the DR site comes up, and completes", async () => {
    const w = await world([{ name: "portal", failover: { mode: "automatic", approvalRequired: false } }]);
    w.setHealth("portal", "dr", false);
    const started = await w.api.start({ ...w.requester, trigger: "heartbeat" }, "failover", {
      systems: [w.id("portal")],
    });
    let checks = 0;
    const check = w.deps.health.check;
    w.deps.health.check = async (url) => {
      if (url.startsWith("http://dr.") && ++checks === 4) w.setHealth("portal", "dr", true);
      return check(url);
    };

    const run = await runMachine(w, "failover", started.switchId);

    expect(run.record.status).toBe("completed");
    expect(run.invocations.filter((i) => i === "Check:portal")).toHaveLength(3);
    expect(run.record.waves[0]?.systems[0]?.steps.find((s) => s.name === "check")?.attempts).toBe(3);
  });

  it("rolls the wave back when the DR site never passes its check: the route stays on the primary (HealthCheckFailedError)", async () => {
    const w = await world([{ name: "portal", failover: { mode: "automatic", approvalRequired: false } }]);
    w.setHealth("portal", "dr", false);
    const started = await w.api.start({ ...w.requester, trigger: "heartbeat" }, "failover", {
      systems: [w.id("portal")],
    });

    const run = await runMachine(w, "failover", started.switchId);

    // One attempt and the five retries the definition allows.
    expect(run.invocations.filter((i) => i === "Check:portal")).toHaveLength(6);
    expect(run.invocations).not.toContain("Switch:portal");
    expect(run.invocations).toContain("RollbackWave");
    expect(run.record).toMatchObject({ status: "rolled-back", error: { code: "HEALTH_CHECK_FAILED" } });
    expect(run.record.waves[0]).toMatchObject({
      status: "rolled-back",
      systems: [{ status: "rolled-back" }],
    });
    expect(await w.routes.get(w.tenant.tenantId, w.id("portal"))).toMatchObject({ activeSite: "primary" });
    expect(w.adapterCalls.filter((c) => c.call === "switch")).toEqual([]);
    expect(w.adapterCalls.at(-1)).toMatchObject({ call: "unfence", site: "primary" });
  });

  it("retries a RouteSwitchFailedError by name and switches once it goes through", async () => {
    const w = await world([{ name: "portal", failover: { mode: "automatic", approvalRequired: false } }]);
    w.failAdapter("portal", "switch", 2, () => new RouteSwitchFailedError("the load balancer answered 503"));
    const started = await w.api.start({ ...w.requester, trigger: "heartbeat" }, "failover", {
      systems: [w.id("portal")],
    });

    const run = await runMachine(w, "failover", started.switchId);

    expect(run.invocations.filter((i) => i === "Switch:portal")).toHaveLength(3);
    expect(run.record.status).toBe("completed");
    expect(await w.routes.get(w.tenant.tenantId, w.id("portal"))).toMatchObject({ activeSite: "dr" });
  });

  it("runs a 3-wave plan of 6 systems in priority and dependency order, each wave in parallel (R-FO-03)", async () => {
    const w = await world(
      [
        { name: "db", recoveryPriority: 5 },
        { name: "auth", recoveryPriority: 5 },
        { name: "portal", recoveryPriority: 4, dependsOn: ["db", "auth"] },
        { name: "search", recoveryPriority: 4 },
        { name: "reports", recoveryPriority: 3, dependsOn: ["portal"] },
        { name: "archive", recoveryPriority: 2 },
      ].map((s) => ({ ...s, failover: { mode: "automatic" as const, approvalRequired: false } })),
    );
    const ids = ["db", "auth", "portal", "search", "reports", "archive"].map(w.id);
    const started = await w.api.start({ ...w.requester, trigger: "heartbeat" }, "failover", { systems: ids });

    const run = await runMachine(w, "failover", started.switchId);

    expect(run.record.status).toBe("completed");
    const waves = run.record.waves.map((wave) => wave.systems.map((s) => w.nameOf(s.systemId)).sort());
    expect(waves).toEqual([["auth", "db"], ["portal", "search"], ["reports"], ["archive"]]);
    const switched = w.adapterCalls.filter((c) => c.call === "switch").map((c) => w.nameOf(c.systemId));
    expect(switched.indexOf("portal")).toBeGreaterThan(
      Math.max(switched.indexOf("db"), switched.indexOf("auth")),
    );
    expect(switched.indexOf("reports")).toBeGreaterThan(switched.indexOf("portal"));
    for (const id of ids) expect((await w.routes.get(w.tenant.tenantId, id))?.activeSite).toBe("dr");
  });

  it("rolls back only the failing wave: earlier waves stay on the DR site", async () => {
    const w = await world(
      [
        { name: "db", recoveryPriority: 5 },
        { name: "portal", recoveryPriority: 4 },
        { name: "search", recoveryPriority: 4 },
      ].map((s) => ({ ...s, failover: { mode: "automatic" as const, approvalRequired: false } })),
    );
    w.setHealth("search", "dr", false);
    const started = await w.api.start({ ...w.requester, trigger: "heartbeat" }, "failover", {
      systems: ["db", "portal", "search"].map(w.id),
    });

    const run = await runMachine(w, "failover", started.switchId);

    expect(run.record.status).toBe("rolled-back");
    expect(run.record.waves.map((wave) => wave.status)).toEqual(["completed", "rolled-back"]);
    expect((await w.routes.get(w.tenant.tenantId, w.id("db")))?.activeSite).toBe("dr");
    expect((await w.routes.get(w.tenant.tenantId, w.id("portal")))?.activeSite).toBe("primary");
    expect((await w.routes.get(w.tenant.tenantId, w.id("search")))?.activeSite).toBe("primary");
  });
});

describe("rolling a wave back (issue #20: the route never points at a site that failed its check)", () => {
  it("leaves a system that switched and verified on the DR site when its primary does not answer, and fences the DR site of the others again", async () => {
    const w = await world(
      [
        { name: "portal", recoveryPriority: 4 },
        { name: "search", recoveryPriority: 4 },
      ].map((s) => ({ ...s, failover: { mode: "automatic" as const, approvalRequired: false } })),
    );
    w.setHealth("portal", "primary", false);
    w.setHealth("search", "dr", false);
    const started = await w.api.start({ ...w.requester, trigger: "heartbeat" }, "failover", {
      systems: ["portal", "search"].map(w.id),
    });

    const run = await runMachine(w, "failover", started.switchId);

    expect(run.record.status).toBe("rolled-back");
    expect((await w.routes.get(w.tenant.tenantId, w.id("portal")))?.activeSite).toBe("dr");
    expect((await w.routes.get(w.tenant.tenantId, w.id("search")))?.activeSite).toBe("primary");
    const searchCalls = w.adapterCalls
      .filter((c) => c.systemId === w.id("search"))
      .map((c) => `${c.call}:${c.site}`);
    expect(searchCalls).toEqual(["fence:primary", "unfence:dr", "promote:dr", "fence:dr", "unfence:primary"]);
    const portal = run.record.waves[0]?.systems.find((s) => s.systemId === w.id("portal"));
    expect(portal?.status).toBe("switched");
  });
});

describe("statemachines/failback.asl.json run by an ASL interpreter (issue #20, 000 §7.5.5(4))", () => {
  it("resyncs, waits for approval, and switches back in the reverse of the failover's waves (R-FO-04, R-FO-06)", async () => {
    const w = await world(
      [
        { name: "db", recoveryPriority: 5 },
        { name: "portal", recoveryPriority: 4, dependsOn: ["db"] },
      ].map((s) => ({ ...s, failover: { mode: "automatic" as const, approvalRequired: false } })),
    );
    const failover = await w.api.start({ ...w.requester, trigger: "heartbeat" }, "failover", {
      systems: ["db", "portal"].map(w.id),
    });
    await runMachine(w, "failover", failover.switchId);
    w.adapterCalls.length = 0;

    const failback = await w.api.failBack(w.requester, failover.switchId);
    const run = await runMachine(w, "failback", failback.switchId, approve(w));

    expect(run.failure).toBeUndefined();
    expect(run.invocations.slice(0, 3)).toEqual(["Precheck", "Resync", "Approval"]);
    expect(run.record).toMatchObject({
      kind: "failback",
      status: "completed",
      failoverId: failover.switchId,
    });
    expect(run.record.waves.map((wave) => wave.systems.map((s) => w.nameOf(s.systemId)))).toEqual([
      ["portal"],
      ["db"],
    ]);
    expect(
      w.adapterCalls.filter((c) => c.call === "resync").map((c) => [w.nameOf(c.systemId), c.site]),
    ).toEqual([
      ["portal", "primary"],
      ["db", "primary"],
    ]);
    expect(w.adapterCalls.filter((c) => c.call === "fence").map((c) => c.site)).toEqual(["dr", "dr"]);
    for (const name of ["db", "portal"]) {
      expect(await w.routes.get(w.tenant.tenantId, w.id(name))).toMatchObject({
        activeSite: "primary",
        fencedSite: "dr",
      });
    }
  });

  it("refuses at the precheck to fail back while the primary's heartbeat is not healthy (PrecheckFailedError)", async () => {
    const w = await world([{ name: "portal", failover: { mode: "automatic", approvalRequired: false } }]);
    const failover = await w.api.start({ ...w.requester, trigger: "heartbeat" }, "failover", {
      systems: [w.id("portal")],
    });
    await runMachine(w, "failover", failover.switchId);
    w.heartbeats.set(w.id("portal"), { status: "breached", consecutiveFailures: 7 });

    const failback = await w.api.start(w.requester, "failback", { systems: [w.id("portal")] });
    const run = await runMachine(w, "failback", failback.switchId, approve(w));

    expect(run.invocations).toEqual(["Precheck", "Finish"]);
    expect(run.record).toMatchObject({ status: "failed", error: { code: "PRECHECK_FAILED" } });
    expect(run.record.precheck?.findings.map((f) => f.code)).toContain("PRIMARY_NOT_HEALTHY");
    expect((await w.routes.get(w.tenant.tenantId, w.id("portal")))?.activeSite).toBe("dr");
  });
});

describe("a health check that fails is the named error the machines retry", () => {
  it("is HealthCheckFailedError", () => {
    expect(new HealthCheckFailedError("x").name).toBe("HealthCheckFailedError");
  });
});
