import { readFileSync } from "node:fs";
import path from "node:path";
import { StateMachine } from "aws-local-stepfunctions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cleanupDrill,
  type DrillStepDeps,
  notifyDrill,
  planDrill,
  reportDrill,
  restoreDrill,
  verifyDrill,
} from "../../../shared/drills/drill-steps.ts";
import { drillTaskInput } from "../../../shared/drills/drill-task-input.ts";
import { RepositoryAccessError } from "../../../shared/vault/backend.ts";
import { WrongKeyError } from "../../../shared/vault/key-wrapper.ts";
import { drillWorld } from "../../support/drills.ts";

function definition() {
  const text = readFileSync(
    path.resolve(import.meta.dirname, "../../../statemachines/drill.asl.json"),
    "utf8",
  );
  return JSON.parse(
    text
      .replaceAll("${Partition}", "aws")
      .replace(/\$\{(\w+)Arn\}/g, "arn:aws:lambda:cn-north-1:000000000000:function:$1"),
  );
}

type Step = "Plan" | "Restore" | "Verify" | "Report" | "Cleanup" | "Notify";
const steps: Record<
  Step,
  (deps: DrillStepDeps, input: ReturnType<typeof drillTaskInput.parse>) => Promise<unknown>
> = {
  Plan: planDrill,
  Restore: restoreDrill,
  Verify: verifyDrill,
  Report: reportDrill,
  Cleanup: (deps, input) => cleanupDrill(deps, input, input.failure ?? undefined),
  Notify: (deps, input) => notifyDrill(deps, input, input.failure ?? undefined),
};

/**
 * Runs statemachines/drill.asl.json itself in an ASL interpreter; each task is served by the drill
 * step its handler calls, with the handler's input check, on in-memory stores and a real vault.
 */
async function runDrillMachine(
  deps: DrillStepDeps,
  key: { tenantId: string; systemId: string; drillId: string },
) {
  const invocations: Step[] = [];
  const handlers = Object.fromEntries(
    (Object.keys(steps) as Step[]).map((step) => [
      step,
      async (parameters: unknown) => {
        invocations.push(step);
        // `lambda:invoke` hands the function its Parameters' Payload.
        const input = drillTaskInput.parse((parameters as { Payload: unknown }).Payload);
        const result = await steps[step](deps, input);
        return JSON.parse(JSON.stringify({ Payload: result ?? null }));
      },
    ]),
  );
  const machine = new StateMachine(definition(), { validationOptions: { checkArn: false } });
  const execution = machine.run(key, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      retryIntervalOverrides: Object.fromEntries((Object.keys(steps) as Step[]).map((s) => [s, 0])),
    },
  });
  const outcome = await execution.result.then(
    (output) => ({ output, failure: undefined }),
    (failure: Error) => ({ output: undefined, failure }),
  );
  return { ...outcome, invocations };
}

describe("statemachines/drill.asl.json run by an ASL interpreter with the drill steps (issue #18 item 2, D-7)", () => {
  let world: Awaited<ReturnType<typeof drillWorld>>;
  beforeEach(async () => {
    world = await drillWorld();
  });
  afterEach(() => world.dispose());

  it("runs plan → restore → verify → evaluate → report → cleanup → notify to a PASS, and leaves no sandbox (R-DRL-01)", async () => {
    const key = await world.start();

    const run = await runDrillMachine(world.deps, key);

    expect(run.failure).toBeUndefined();
    expect(run.invocations).toEqual(["Plan", "Restore", "Verify", "Report", "Cleanup", "Notify"]);
    const drill = await world.drill(key);
    expect(drill).toMatchObject({ status: "completed", verdict: "PASS" });
    expect(drill?.steps.map((s) => [s.name, s.status])).toEqual(
      ["plan", "restore", "verify", "evaluate", "report", "cleanup", "notify"].map((n) => [n, "succeeded"]),
    );
    expect(drill?.verification).toMatchObject({
      expectedFiles: world.snapshot.stats.files,
      verifiedFiles: world.snapshot.stats.files,
      verifiedBytes: world.snapshot.stats.bytes,
      damagedCount: 0,
    });
    expect(world.sandbox.objects.size).toBe(0);
    expect(world.reports.get(drill?.report?.html ?? "")?.body).toContain("PASS");
    expect(world.notifications.map(([, m]) => m.kind)).toEqual(["drill-result"]);
  });

  it("retries a RepositoryAccessError by name (the DR vault did not answer) and still reaches a PASS", async () => {
    const key = await world.start();
    const write = world.sandbox.write.bind(world.sandbox);
    let failures = 2;
    world.sandbox.write = async (...args) => {
      if (failures-- > 0)
        throw new RepositoryAccessError("S3 refused access to the bucket govdr-sandbox (SlowDown)");
      return write(...args);
    };

    const run = await runDrillMachine(world.deps, key);

    expect(run.failure).toBeUndefined();
    expect(run.invocations.filter((s) => s === "Restore")).toHaveLength(3);
    expect(await world.drill(key)).toMatchObject({ status: "completed", verdict: "PASS" });
  });

  it("gives up after MaxAttempts (1 + 3) and still cleans the sandbox up through the Catch", async () => {
    const key = await world.start();
    const write = world.sandbox.write.bind(world.sandbox);
    let writes = 0;
    world.sandbox.write = async (...args) => {
      // The first file of each attempt lands; then the vault stops answering.
      if (writes++ % 2 === 1)
        throw new RepositoryAccessError("S3 refused access to the bucket govdr-vault (503)");
      return write(...args);
    };

    const run = await runDrillMachine(world.deps, key);

    expect(run.invocations.filter((s) => s === "Restore")).toHaveLength(4);
    expect(run.invocations.slice(-2)).toEqual(["Cleanup", "Notify"]);
    expect(run.failure?.message).toContain("could not run to its verdict");
    expect(world.sandbox.objects.size).toBe(0);
    const drill = await world.drill(key);
    expect(drill).toMatchObject({ status: "failed", error: { code: "REPOSITORY_UNREACHABLE" } });
    expect(drill?.report).toBeDefined();
  });

  it("does not retry a named permanent error (WrongKeyError): its Catch leads to cleanup, and the drill fails with the reason", async () => {
    const key = await world.start();
    world.deps.vaults.open = async () => {
      throw new WrongKeyError("The tenant's KMS key refused to unwrap the repository key");
    };

    const run = await runDrillMachine(world.deps, key);

    expect(run.invocations).toEqual(["Plan", "Restore", "Cleanup", "Notify"]);
    expect(run.failure?.message).toContain("could not run to its verdict");
    const drill = await world.drill(key);
    expect(drill?.status).toBe("failed");
    expect(drill?.error?.code).toBe("WRONG_KEY");
    expect(drill?.error?.message).toContain("refused to unwrap");
    expect(drill?.steps.find((s) => s.name === "restore")?.status).toBe("failed");
    expect(drill?.steps.find((s) => s.name === "cleanup")?.status).toBe("succeeded");
    expect(world.notifications[0]?.[1].subject).toContain("FAILED");
  });

  it("ends a drill of a damaged recovery point with a FAIL report naming the damaged file, sandbox removed", async () => {
    await world.damageOneFile();
    const key = await world.start();

    const run = await runDrillMachine(world.deps, key);

    expect(run.failure).toBeUndefined();
    const drill = await world.drill(key);
    expect(drill).toMatchObject({ status: "completed", verdict: "FAIL" });
    expect(drill?.verification?.damagedCount).toBe(1);
    const damagedPath = drill?.verification?.damaged[0]?.path ?? "";
    expect(damagedPath).toMatch(/^app\//);
    expect(drill?.findings.map((f) => f.code)).toContain("DATA_DAMAGED");
    expect(world.reports.get(drill?.report?.html ?? "")?.body).toContain(damagedPath);
    expect(world.sandbox.objects.size).toBe(0);
  });

  it("walks a tabletop drill through the plan without restoring anything", async () => {
    const key = await world.start({ type: "tabletop" });

    const run = await runDrillMachine(world.deps, key);

    expect(run.failure).toBeUndefined();
    expect(run.invocations).toEqual(["Plan", "Report", "Cleanup", "Notify"]);
    const drill = await world.drill(key);
    expect(drill).toMatchObject({ status: "completed", verdict: "PASS", type: "tabletop" });
    expect(drill?.achieved?.rtoSeconds).toBeUndefined();
    expect(drill?.achieved?.rpoSeconds).toBeGreaterThanOrEqual(0);
  });

  it("ends a drill as failed, not completed, when its cleanup fails too, naming the first failure", async () => {
    const key = await world.start();
    world.deps.vaults.open = async () => {
      throw new WrongKeyError("The tenant's KMS key refused to unwrap the repository key");
    };
    world.sandbox.removeAll = async () => {
      throw new RepositoryAccessError("S3 refused access to the bucket govdr-sandbox (503)");
    };

    const run = await runDrillMachine(world.deps, key);

    expect(run.invocations.filter((s) => s === "Cleanup")).toHaveLength(6);
    expect(run.invocations.at(-1)).toBe("Notify");
    const drill = await world.drill(key);
    expect(drill).toMatchObject({ status: "failed", error: { code: "WRONG_KEY" } });
    expect(drill?.steps.find((s) => s.name === "cleanup")?.status).toBe("failed");
  });

  it("still ends the drill when its notification cannot be sent, and says so on the notify step", async () => {
    const key = await world.start();
    world.deps.notifier.publish = async () => {
      throw new Error("SNS: KMS key disabled");
    };

    const run = await runDrillMachine(world.deps, key);

    expect(run.failure).toBeUndefined();
    const drill = await world.drill(key);
    expect(drill).toMatchObject({ status: "completed", verdict: "PASS" });
    expect(drill?.steps.find((s) => s.name === "notify")).toMatchObject({ status: "failed" });
    expect(drill?.steps.find((s) => s.name === "notify")?.detail).toContain("KMS key disabled");
  });

  it("refuses any step of a drill that has ended, so a late retry changes nothing, and names each finding once", async () => {
    await world.damageOneFile();
    const key = await world.start();
    await runDrillMachine(world.deps, key);
    const once = await world.drill(key);

    // A retried Report task on a drill that has ended is refused, so nothing changes.
    await expect(reportDrill(world.deps, key)).rejects.toMatchObject({ code: "DRILL_NOT_RUNNABLE" });
    expect((await world.drill(key))?.findings).toEqual(once?.findings);
    expect(once?.findings.filter((f) => f.code === "DATA_DAMAGED")).toHaveLength(1);
  });
});
