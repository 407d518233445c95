import { describe, expect, it } from "vitest";
import {
  afterFailedLogin,
  afterSuccessfulLogin,
  isLocked,
  type LoginFailureState,
} from "../../../shared/identity/lockout.ts";
import { type Role, roleConflicts } from "../../../shared/identity/roles.ts";
import { defaultIdentitySettings as settings } from "../../../shared/identity/settings.ts";

describe("separation of duties (R-IA-10)", () => {
  it.each<[Role, Role]>([
    ["platform-admin", "security-admin"],
    ["platform-admin", "platform-auditor"],
    ["security-admin", "platform-auditor"],
    ["tenant-admin", "tenant-auditor"],
    ["tenant-operator", "tenant-auditor"],
  ])("refuses to give one user both %s and %s", (a, b) => {
    expect(roleConflicts([a, b]).map((c) => c.code)).toEqual(["SEPARATION_OF_DUTIES"]);
  });

  it("allows single roles and compatible pairs, refuses mixed scopes and no role", () => {
    expect(roleConflicts(["tenant-admin"])).toEqual([]);
    expect(roleConflicts(["tenant-admin", "tenant-operator"])).toEqual([]);
    expect(roleConflicts(["platform-admin", "tenant-operator"]).map((c) => c.code)).toEqual(["MIXED_SCOPE"]);
    expect(roleConflicts([]).map((c) => c.code)).toEqual(["NO_ROLE"]);
  });
});

describe("login lockout (R-IA-05)", () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 21, 8, minute));

  function fail(times: number, start: LoginFailureState = afterSuccessfulLogin()) {
    let state = start;
    const locks: boolean[] = [];
    for (let i = 0; i < times; i++) {
      const next = afterFailedLogin(state, at(i), settings);
      state = next.state;
      locks.push(next.lockedNow);
    }
    return { state, locks };
  }

  it("locks after the configured number of consecutive failures, reports it once, and never extends the lock", () => {
    const { state, locks } = fail(6);

    expect(locks).toEqual([false, false, false, false, true, false]);
    expect(isLocked(state, at(6))).toBe(true);
    expect(state.lockedUntil).toBe(new Date(at(4).getTime() + 30 * 60_000).toISOString());
  });

  it("unlocks when the lock expires and counts afresh; a success resets the count", () => {
    const { state } = fail(5);

    expect(isLocked(state, at(40))).toBe(false);
    expect(afterFailedLogin(state, at(40), settings).state).toEqual({ consecutiveFailures: 1 });
    expect(fail(4).state.consecutiveFailures).toBe(4);
    expect(afterSuccessfulLogin()).toEqual({ consecutiveFailures: 0 });
  });
});
