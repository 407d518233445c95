import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { CliError } from "../../agent/errors.ts";
import { ensureChromium } from "../browser.ts";
import { startEmulator, stopEmulator } from "../emulator/emulator.ts";
import { deployLocalStack } from "../local-stack/deploy.ts";
import { log } from "../log.ts";
import { projectRoot, statePaths } from "../paths.ts";
import { run } from "../run.ts";

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

interface StepResult extends Counts {
  step: string;
  ok: boolean;
  seconds: number;
}

const bin = (name: string) => path.join(projectRoot, "node_modules", ".bin", name);

async function command(
  cmd: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<Counts & { ok: boolean }> {
  const { code } = await run(cmd, args, { cwd: projectRoot, inherit: true, env });
  return { ok: code === 0, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 };
}

/**
 * Coverage for one project: on, written to `reportsDirectory`, held to that project's thresholds in
 * vitest.config.ts. Vitest has coverage options for the whole run only, not per project, so the
 * thresholds go on the command line of the process that runs this one project.
 */
async function coverageArgs(project: string, reportsDirectory: string): Promise<string[]> {
  const { coverageThresholds } = await import("../../vitest.config.ts");
  const thresholds = coverageThresholds[project] ?? {};
  return [
    "--coverage.enabled",
    `--coverage.reportsDirectory=${reportsDirectory}`,
    ...Object.entries(thresholds).map(([metric, min]) => `--coverage.thresholds.${metric}=${min}`),
  ];
}

/** Runs one vitest project with coverage and counts its tests from the JSON report. */
async function vitest(project: string, env?: NodeJS.ProcessEnv): Promise<Counts & { ok: boolean }> {
  const report = path.join(statePaths.reports, `${project}.json`);
  rmSync(report, { force: true });
  // The report lands in .govdr/reports/coverage/<project>. Vitest wipes its reports directory when it
  // starts and keeps raw data in it while it runs, so two runs at once in one tree would break each
  // other: each run writes a directory of its own, which replaces the project's if it holds a report.
  const coverage = path.join(statePaths.reports, "coverage", project);
  const runCoverage = `${coverage}.${process.pid}`;
  const { code } = await run(
    bin("vitest"),
    [
      "run",
      "--project",
      project,
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${report}`,
      ...(await coverageArgs(project, runCoverage)),
    ],
    { cwd: projectRoot, inherit: true, env },
  );
  if (existsSync(path.join(runCoverage, "coverage-summary.json"))) {
    rmSync(coverage, { recursive: true, force: true });
    try {
      renameSync(runCoverage, coverage);
    } catch (error) {
      // Another run took the name between the two calls: its report stands.
      const taken = ["ENOTEMPTY", "EEXIST"].includes((error as NodeJS.ErrnoException).code ?? "");
      if (!taken) throw error;
    }
  }
  rmSync(runCoverage, { recursive: true, force: true });
  if (!existsSync(report)) return { ok: false, passed: 0, failed: 1, skipped: 0 };
  const json = JSON.parse(readFileSync(report, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numTotalTests: number;
  };
  const counts = {
    passed: json.numPassedTests,
    failed: json.numFailedTests,
    skipped: json.numPendingTests + json.numTodoTests,
  };
  // A project that ran no test proves nothing: count it as a failure. So is a run whose tests all
  // passed but that vitest failed anyway (coverage under its threshold, an unhandled error).
  const ranNothing = json.numTotalTests === 0;
  const failedBeyondTests = code !== 0 && !ranNothing && counts.failed === 0;
  return {
    ok: code === 0 && !ranNothing,
    ...counts,
    failed: counts.failed + (ranNothing || failedBeyondTests ? 1 : 0),
  };
}

interface Step {
  run: () => Promise<Counts & { ok: boolean }>;
  /** Runs against the deployed local stack, which the runner brings up once for all such steps. */
  needsStack?: boolean;
}

const steps: Record<string, Step> = {
  lint: { run: () => command(bin("biome"), ["check", "."]) },
  typecheck: {
    run: async () => {
      const server = await command(bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]);
      // The console has its own compiler settings (DOM, JSX): its calls are checked against the
      // OpenAPI document's types here (web/src/api/generated).
      const web = await command(bin("tsc"), ["--noEmit", "-p", "web/tsconfig.json"]);
      return {
        ok: server.ok && web.ok,
        passed: server.passed + web.passed,
        failed: server.failed + web.failed,
        skipped: 0,
      };
    },
  },
  unit: { run: () => vitest("unit") },
  infra: { run: () => vitest("infra") },
  integration: { run: () => vitest("integration"), needsStack: true },
  e2e: {
    run: async () => vitest("e2e", { ...process.env, GOVDR_CHROMIUM: await ensureChromium() }),
    needsStack: true,
  },
};

/** Starts an emulator only if none runs (and stops only that one), and deploys the local stack. */
async function withLocalStack() {
  const emulator = await startEmulator({ persistent: false, log });
  try {
    await deployLocalStack(emulator.url, log);
  } catch (error) {
    if (emulator.startedHere) await stopEmulator(log);
    throw error;
  }
  return { stop: () => (emulator.startedHere ? stopEmulator(log) : Promise.resolve(false)) };
}

export function registerTestCommand(program: Command): void {
  program
    .command("test")
    .description(`the whole suite: ${Object.keys(steps).join(", ")}; exits non-zero on any failure`)
    .option("--only <steps...>", "run only these steps")
    .action(async (options: { only?: string[] }) => {
      const selected = options.only ?? Object.keys(steps);
      const unknown = selected.filter((s) => !(s in steps));
      if (unknown.length > 0) throw new CliError(`Unknown test step(s): ${unknown.join(", ")}`);
      mkdirSync(statePaths.reports, { recursive: true });
      const results: StepResult[] = [];
      let stack: Awaited<ReturnType<typeof withLocalStack>> | undefined;
      try {
        for (const name of selected) {
          const step = steps[name] as Step;
          log(`── ${name}`);
          const started = performance.now();
          if (step.needsStack && !stack) stack = await withLocalStack();
          const result = await step.run();
          results.push({ step: name, ...result, seconds: (performance.now() - started) / 1000 });
        }
      } finally {
        await stack?.stop();
      }
      const rows = results.map(
        (r) =>
          `${r.ok ? "ok  " : "FAIL"} ${r.step.padEnd(12)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${r.seconds.toFixed(1).padStart(7)} s`,
      );
      process.stdout.write(`\n${rows.join("\n")}\n`);
      const total = results.reduce(
        (sum, r) => ({
          passed: sum.passed + r.passed,
          failed: sum.failed + r.failed,
          skipped: sum.skipped + r.skipped,
        }),
        { passed: 0, failed: 0, skipped: 0 },
      );
      process.stdout.write(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
      if (results.some((r) => !r.ok)) process.exitCode = 1;
    });
}
