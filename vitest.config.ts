import { defineConfig } from "vitest/config";

/** The source that coverage counts, whether or not a test imports it (agent/ is the backup agent). */
const sourceFiles = ["shared", "functions", "cli", "infra", "agent"].map(
  (dir) => `${dir}/**/*.{ts,mts,js,mjs}`,
);

type Metric = "lines" | "functions" | "branches" | "statements";

/**
 * Each project's coverage floor (percent), 2 points under what it measured, rounded down, so that a drop
 * fails `govdr test` without flaking; `govdr test` passes them to the one project it runs. Every project
 * counts the same source (`sourceFiles`), so a project that exercises little of it has a low floor.
 * Measured with every test passing, 2026-12-07, on a clean clone (lines / statements / functions / branches):
 * - unit:        67.06 / 66.50 / 67.17 / 61.30
 * - infra:       10.52 /  9.42 /  5.65 /  2.48 (synth covers infra/)
 * - integration: 27.04 / 26.14 / 28.18 / 17.40, measured again late on 2026-12-07 (the handlers, and so
 *   the drill, replication, notification, failover and restore-recovery code, run in the emulator's
 *   Lambdas, out of process: issues #18 and #20 added much of that; the unit project covers it)
 * - e2e:          1.35 /  1.24 /  0.98 /  0.97 (the browser and the emulator run the code: every metric is
 *   under 2, so no floor; the run still writes its report)
 */
export const coverageThresholds: Record<string, Partial<Record<Metric, number>> | undefined> = {
  unit: { lines: 65, statements: 64, functions: 65, branches: 59 },
  infra: { lines: 8, statements: 7, functions: 3 },
  integration: { lines: 25, statements: 24, functions: 26, branches: 15 },
  e2e: undefined,
};

export default defineConfig({
  test: {
    env: { POWERTOOLS_LOG_LEVEL: "SILENT", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    // Coverage is a root-only option in vitest 4 ("coverage is done for the whole process"): a project
    // config cannot carry its own. `govdr test` runs each project in its own vitest process and passes
    // that project's `coverageThresholds` (above) and its own reports directory on the command line.
    coverage: {
      provider: "v8",
      include: sourceFiles,
      exclude: [
        "tests/**",
        "**/node_modules/**",
        ".govdr/**",
        "**/cdk.out/**",
        "cdk.out.*/**",
        "web/dist/**",
        "shared/vault/wasm/assembly/**",
        "**/*.d.ts",
      ],
      reportsDirectory: ".govdr/reports/coverage",
      reporter: ["text-summary", "html", "json-summary"],
    },
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "infra",
          include: ["tests/infra/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One emulator serves every file; files run one at a time so timings stay honest.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/e2e/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One browser at a time on a 2-core machine, next to the emulator.
          fileParallelism: false,
        },
      },
    ],
  },
});
