import { describe, expect, it } from "vitest";
import { newPolicySchema } from "../../../shared/policies/policy-schema.ts";
import { secondsUntilWindowOpens, unitTransport } from "../../../shared/replication/transport.ts";

const night = { start: "22:00", end: "06:00", timezone: "Asia/Shanghai" };
const lunch = { start: "12:00", end: "13:00", timezone: "UTC" };
const native = { replication: {} };
const managed = (transferWindow?: typeof night) => ({
  replication: { transport: "managed" as const, transferWindow },
});

describe("a unit's replication transport (D-42)", () => {
  it("is native while every system's policy is, and managed once one system asks for it", () => {
    expect(unitTransport([native, native])).toEqual({ transport: "native" });
    expect(unitTransport([native, managed()])).toEqual({ transport: "managed" });
    expect(unitTransport([])).toEqual({ transport: "native" });
  });

  it("keeps to transfer windows only when every system has one: a window may delay only what no other system needs now", () => {
    expect(unitTransport([managed(night), managed(lunch)])).toEqual({
      transport: "managed",
      windows: [night, lunch],
    });
    expect(unitTransport([managed(night), managed()])).toEqual({ transport: "managed" });
    expect(unitTransport([managed(night), native])).toEqual({ transport: "managed" });
  });
});

describe("000 §7.5.10(3): the transfer window", () => {
  it("is open inside a window that wraps midnight, in the window's own time zone", () => {
    // 23:30 in Shanghai is 15:30 UTC.
    expect(secondsUntilWindowOpens([night], new Date("2026-12-07T15:30:00Z"))).toBe(0);
    // 05:59 in Shanghai.
    expect(secondsUntilWindowOpens([night], new Date("2026-12-06T21:59:00Z"))).toBe(0);
  });

  it("counts the seconds until the nearest window opens", () => {
    // 06:00 Shanghai (22:00 UTC): closed at its end; opens at 22:00 Shanghai, 16 h later.
    expect(secondsUntilWindowOpens([night], new Date("2026-12-06T22:00:00Z"))).toBe(16 * 3600);
    // 11:59:30 UTC: the lunch window opens in 30 s, before the night one.
    expect(secondsUntilWindowOpens([night, lunch], new Date("2026-12-07T11:59:30Z"))).toBe(30);
  });

  it("is always open with no window", () => {
    expect(secondsUntilWindowOpens(undefined, new Date())).toBe(0);
    expect(secondsUntilWindowOpens([], new Date())).toBe(0);
  });
});

describe("a policy's transport", () => {
  const policy = (replication: Record<string, unknown>) => ({
    backup: {
      sources: [{ type: "directory", path: "/srv" }],
      type: "full",
      schedule: { kind: "every", minutes: 60 },
    },
    retention: { days: 30, objectLockMode: "COMPLIANCE" },
    replication: {
      mode: "scheduled-backup",
      site: "remote",
      region: "cn-northwest-1",
      distanceKm: 1200,
      ...replication,
    },
    crypto: { suite: "aes-256-gcm" },
    failover: { mode: "manual", approvalRequired: true, adapter: "record" },
  });

  it("refuses a transfer window without the managed transport, naming the field", () => {
    const result = newPolicySchema.safeParse(policy({ transferWindow: night }));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["replication.transferWindow"]);
    expect(result.error?.issues[0]?.message).toMatch(/"transport": "managed"/);
  });

  it("accepts a managed transport with a window, and a policy that names no transport", () => {
    expect(newPolicySchema.safeParse(policy({ transport: "managed", transferWindow: night })).success).toBe(
      true,
    );
    expect(newPolicySchema.safeParse(policy({})).success).toBe(true);
    expect(newPolicySchema.safeParse(policy({ transport: "ftp" })).success).toBe(false);
  });
});
