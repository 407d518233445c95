import type { IdentitySettings } from "./settings.ts";

export interface LoginFailureState {
  consecutiveFailures: number;
  lockedUntil?: string;
}

export function isLocked(state: LoginFailureState, now: Date): boolean {
  return state.lockedUntil !== undefined && Date.parse(state.lockedUntil) > now.getTime();
}

/**
 * After `lockoutThreshold` consecutive failures the account locks for `lockoutMinutes` (R-IA-05).
 * Returns the new state and whether this failure locked it (the caller audits that).
 */
export function afterFailedLogin(
  state: LoginFailureState,
  now: Date,
  settings: IdentitySettings,
): { state: LoginFailureState; lockedNow: boolean } {
  // Attempts during a lock do not extend it: otherwise anyone could keep a user locked out for ever.
  if (isLocked(state, now)) return { state, lockedNow: false };
  const failures = (state.lockedUntil ? 0 : state.consecutiveFailures) + 1;
  if (failures >= settings.lockoutThreshold) {
    const lockedUntil = new Date(now.getTime() + settings.lockoutMinutes * 60_000).toISOString();
    return { state: { consecutiveFailures: failures, lockedUntil }, lockedNow: true };
  }
  return { state: { consecutiveFailures: failures }, lockedNow: false };
}

export const afterSuccessfulLogin = (): LoginFailureState => ({ consecutiveFailures: 0 });
