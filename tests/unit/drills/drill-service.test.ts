import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DrillService } from "../../../shared/drills/drill-service.ts";
import { drillWorld } from "../../support/drills.ts";

let world: Awaited<ReturnType<typeof drillWorld>>;
beforeEach(async () => {
  world = await drillWorld();
});
afterEach(() => world.dispose());

describe("starting and reading drills (R-DRL-01, R-DRL-13)", () => {
  it("records a running drill with the policy's type, the system's targets and its execution", async () => {
    const key = await world.start();

    expect(await world.drill(key)).toMatchObject({
      status: "running",
      type: "simulated",
      trigger: "on-demand",
      targets: { rtoSeconds: 14_400, rpoSeconds: 3600, source: "class", importanceClass: 3 },
      executionArn: `arn:aws:states:::execution:drill:${key.drillId}`,
      version: 1,
    });
    expect(world.started).toEqual([key.drillId]);
  });

  it("keeps a point in time in UTC, and refuses one in the future or before every snapshot", async () => {
    const at = new Date(Date.parse(world.snapshot.time));
    const inShanghai = new Date(at.getTime() + 8 * 3600_000).toISOString().replace("Z", "+08:00");

    const key = await world.start({ pointInTime: inShanghai });

    expect((await world.drill(key))?.incidentAt).toBe(at.toISOString());
    await expect(
      world.start({ pointInTime: new Date(Date.now() + 3_600_000).toISOString() }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    await expect(world.start({ pointInTime: "2020-01-01T00:00:00Z" })).rejects.toMatchObject({
      code: "NO_RECOVERY_POINT",
    });
  });

  it("refuses a second drill of the same system while one runs (409 DRILL_RUNNING)", async () => {
    await world.start();

    await expect(world.start()).rejects.toMatchObject({ code: "DRILL_RUNNING" });
  });

  it("ends the drill as failed and answers 503 when Step Functions does not start it, freeing the system", async () => {
    const service = new DrillService({
      drills: world.stores.drills,
      systems: world.stores.systems,
      catalog: world.stores.snapshots,
      runner: {
        executionArnOf: (drillId) => `arn:aws:states:::execution:drill:${drillId}`,
        start: async () => Promise.reject(new Error("ServiceUnavailable")),
      },
      reports: { read: async () => "" },
      now: () => new Date(),
    });
    const caller = { tid: world.tenant.tenantId, sub: "u-admin0000001" };

    await expect(service.start(caller, world.system.systemId, {})).rejects.toMatchObject({
      code: "DEPENDENCY_UNAVAILABLE",
    });
    const [failed] = (
      await world.stores.drills.list(world.tenant.tenantId, world.system.systemId, { limit: 1 })
    ).items;
    expect(failed).toMatchObject({ status: "failed", error: { code: "DEPENDENCY_UNAVAILABLE" } });
    await expect(world.start()).resolves.toBeDefined();
  });

  it("has no report while the drill runs (404), and finds no drill of another system or unit", async () => {
    const key = await world.start();
    const caller = { tid: world.tenant.tenantId };

    await expect(world.service.report(caller, key.systemId, key.drillId, "html")).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("still running"),
    });
    await expect(
      world.service.get({ tid: "t-000000000009" }, key.systemId, key.drillId),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
