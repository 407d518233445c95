import { DependencyUnavailableError, MisconfigurationError } from "../errors.ts";

export interface Probe {
  name: string;
  /** Resolves when the dependency is usable; throws a GovdrError (or anything) when it is not. */
  run(): Promise<void>;
}

export interface ProbeResult {
  name: string;
  ok: boolean;
  error?: string;
  millis: number;
}

export interface SelfCheckReport {
  ok: true;
  checkedAt: string;
  probes: ProbeResult[];
}

/**
 * Runs every probe (in parallel, each to completion) and reports them all. Fails with
 * MisconfigurationError when any probe found a misconfiguration (retrying is pointless), otherwise
 * with DependencyUnavailableError naming the unreachable dependencies, so the state machine can
 * retry the transient case by name.
 */
export async function runSelfCheck(
  probes: Probe[],
  now: () => Date = () => new Date(),
): Promise<SelfCheckReport> {
  const results = await Promise.all(
    probes.map(async (probe): Promise<ProbeResult & { cause?: unknown }> => {
      const started = performance.now();
      try {
        await probe.run();
        return { name: probe.name, ok: true, millis: Math.round(performance.now() - started) };
      } catch (cause) {
        const error = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
        return { name: probe.name, ok: false, error, millis: Math.round(performance.now() - started), cause };
      }
    }),
  );
  const failed = results.filter((r) => !r.ok);
  if (failed.length === 0) {
    return { ok: true, checkedAt: now().toISOString(), probes: results };
  }
  const summary = failed.map((r) => `${r.name} (${r.error})`).join("; ");
  if (failed.some((r) => r.cause instanceof MisconfigurationError)) {
    throw new MisconfigurationError(`Self-check found misconfigured dependencies: ${summary}`);
  }
  throw new DependencyUnavailableError(`Self-check could not reach: ${summary}`);
}
