/**
 * The pinned emulator. Raise the version only together with a green run of the capability test
 * (tests/integration/emulator-capabilities.test.ts) and an updated docs/emulator.md.
 */
export const ministack = {
  package: "ministack",
  version: "1.5.33",
  host: "127.0.0.1",
} as const;

/** The emulator's port: 4566 as LocalStack tools expect, or GOVDR_EMULATOR_PORT. */
export function emulatorPort(): number {
  const port = Number(process.env.GOVDR_EMULATOR_PORT ?? 4566);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw new Error(
      `GOVDR_EMULATOR_PORT must be a port number from 1024 to 65535, not ${process.env.GOVDR_EMULATOR_PORT}`,
    );
  }
  return port;
}

export const localAccount = "000000000000";
export const localCredentials = { accessKeyId: "test", secretAccessKey: "test" } as const;
