/** Durations are seconds throughout the domain; these make the tables read like the standard. */
export const minutes = (n: number) => n * 60;
export const hours = (n: number) => n * 3600;
export const days = (n: number) => n * 86_400;

/**
 * A recovery target as the standard states it: an upper bound, exactly zero, or "≈0" (App. A.2
 * gives class 2 an RPO of "≈0 min"). A near-zero target is met by at most `nearZeroSeconds`.
 */
export type Target = { kind: "max"; seconds: number } | { kind: "zero" } | { kind: "near-zero" };

/** "≈0" is taken as at most one minute, what continuous replication achieves (docs/decisions.md). */
export const nearZeroSeconds = 60;

export const atMost = (seconds: number): Target => ({ kind: "max", seconds });
export const zero: Target = { kind: "zero" };
export const nearZero: Target = { kind: "near-zero" };

/** The largest number of seconds that still meets the target. */
export function limitSeconds(target: Target): number {
  if (target.kind === "max") return target.seconds;
  return target.kind === "zero" ? 0 : nearZeroSeconds;
}

/**
 * Whether a guaranteed bound (`offered`) meets a required target: "yes"; "approximately" when the
 * requirement is "≈0" and the bound is small but not zero (class 2 against level 4); or "no".
 */
export function meets(offered: Target, required: Target): "yes" | "approximately" | "no" {
  if (required.kind === "near-zero" && offered.kind === "max") {
    return offered.seconds <= nearZeroSeconds ? "approximately" : "no";
  }
  return limitSeconds(offered) <= limitSeconds(required) ? "yes" : "no";
}

export function formatTarget(target: Target): { en: string; zh: string } {
  if (target.kind === "zero") return { en: "0", zh: "0" };
  if (target.kind === "near-zero") return { en: "≈0", zh: "≈0" };
  return { en: `≤${formatDuration(target.seconds).en}`, zh: `≤${formatDuration(target.seconds).zh}` };
}

export function formatDuration(seconds: number): { en: string; zh: string } {
  const units: [number, string, string][] = [
    [86_400, "d", "天"],
    [3600, "h", "小时"],
    [60, "min", "分钟"],
    [1, "s", "秒"],
  ];
  // Like the standard: "≤24小时" and "≤36小时", but "≤7天".
  const fits = ([s]: [number, string, string]) => seconds % s === 0 && seconds >= (s === 86_400 ? 2 * s : s);
  const [size, en, zh] = units.find(fits) ?? [1, "s", "秒"];
  return { en: `${seconds / size} ${en}`, zh: `${seconds / size}${zh}` };
}
