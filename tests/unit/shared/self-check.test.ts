import { describe, expect, it } from "vitest";
import { MisconfigurationError } from "../../../shared/errors.ts";
import { runSelfCheck } from "../../../shared/selfcheck/self-check.ts";

const ok = (name: string) => ({ name, run: async () => undefined });
const failing = (name: string, error: unknown) => ({
  name,
  run: async () => {
    throw error;
  },
});

describe("runSelfCheck", () => {
  it("runs every probe even after one fails, and names all failures", async () => {
    const ran: string[] = [];
    const probes = ["a", "b", "c"].map((name) => ({
      name,
      run: async () => {
        ran.push(name);
        if (name !== "b") throw new Error(`${name} down`);
      },
    }));

    await expect(runSelfCheck(probes)).rejects.toThrow(
      "Self-check could not reach: a (Error: a down); c (Error: c down)",
    );
    expect(ran.sort()).toEqual(["a", "b", "c"]);
  });

  it("prefers MisconfigurationError when any probe found a misconfiguration", async () => {
    const probes = [
      failing("net", new Error("timeout")),
      failing("lock", new MisconfigurationError("no lock")),
    ];

    await expect(runSelfCheck(probes)).rejects.toBeInstanceOf(MisconfigurationError);
  });

  it("reports non-Error throwables readably", async () => {
    await expect(runSelfCheck([failing("odd", "plain string")])).rejects.toThrow("odd (plain string)");
  });

  it("returns a timestamped report with per-probe timings when all pass", async () => {
    const report = await runSelfCheck([ok("x"), ok("y")], () => new Date("2026-11-21T00:00:00Z"));

    expect(report).toMatchObject({ ok: true, checkedAt: "2026-11-21T00:00:00.000Z" });
    expect(report.probes.every((p) => p.ok && p.millis >= 0)).toBe(true);
  });
});
