import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      { test: { name: "infra", include: ["tests/infra/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000 } },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One emulator serves every file; files run one at a time so timings stay honest.
          fileParallelism: false,
        },
      },
      { test: { name: "e2e", include: ["tests/e2e/**/*.test.ts"], testTimeout: 120_000 } },
    ],
  },
});
