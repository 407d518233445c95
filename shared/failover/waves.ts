import { ValidationError } from "../errors.ts";

/** What the wave plan needs of a system. */
export interface PlannedSystem {
  systemId: string;
  recoveryPriority: number;
  dependsOn: readonly string[];
}

/**
 * The waves of a switchover (R-CL-07, R-FO-03): a system goes only after every system of the plan
 * it depends on, and among the systems that may go, the highest recovery priority goes first. Each
 * wave holds the ready systems of one priority, which switch in parallel; a dependency outside the
 * plan does not hold a system back (the precheck names it).
 */
export function planWaves(systems: readonly PlannedSystem[]): string[][] {
  const inPlan = new Set(systems.map((s) => s.systemId));
  const done = new Set<string>();
  let remaining = [...systems].sort((a, b) => a.systemId.localeCompare(b.systemId));
  const waves: string[][] = [];
  while (remaining.length > 0) {
    const ready = remaining.filter((s) => s.dependsOn.every((d) => !inPlan.has(d) || done.has(d)));
    if (ready.length === 0) {
      throw new ValidationError("The systems of the plan depend on each other in a cycle", [
        {
          path: "systems",
          message: `a dependency cycle among ${remaining.map((s) => s.systemId).join(", ")}`,
        },
      ]);
    }
    const top = Math.max(...ready.map((s) => s.recoveryPriority));
    const wave = ready.filter((s) => s.recoveryPriority === top).map((s) => s.systemId);
    waves.push(wave);
    for (const id of wave) done.add(id);
    remaining = remaining.filter((s) => !done.has(s.systemId));
  }
  return waves;
}

/**
 * Checks waves a caller wrote: every system once, and each after the systems of the plan it depends
 * on (`forward`, a failover) or before them (`reverse`, a failback: dependents leave first); a field
 * error names the offending place (`waves.2.0`).
 */
export function checkWaves(
  waves: readonly (readonly string[])[],
  systems: readonly PlannedSystem[],
  order: "forward" | "reverse" = "forward",
): void {
  const byId = new Map(systems.map((s) => [s.systemId, s]));
  const waveOf = new Map<string, number>();
  const errors: { path: string; message: string }[] = [];
  for (const [w, wave] of waves.entries()) {
    for (const [i, id] of wave.entries()) {
      const earlier = waveOf.get(id);
      if (earlier === undefined) waveOf.set(id, w);
      else errors.push({ path: `waves.${w}.${i}`, message: `${id} is already in wave ${earlier}` });
    }
  }
  for (const [w, wave] of waves.entries()) {
    for (const [i, id] of wave.entries()) {
      for (const dependency of byId.get(id)?.dependsOn ?? []) {
        const at = waveOf.get(dependency);
        if (at !== undefined && (order === "forward" ? at >= w : at <= w)) {
          errors.push({
            path: `waves.${w}.${i}`,
            message: `${id} depends on ${dependency}, which must be in ${order === "forward" ? "an earlier" : "a later"} wave (it is in wave ${at})`,
          });
        }
      }
    }
  }
  if (errors.length > 0)
    throw new ValidationError("The waves do not follow the systems' dependencies", errors);
}
