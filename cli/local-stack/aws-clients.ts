import { localCredentials } from "../emulator/settings.ts";

/** Client settings for an emulator endpoint; S3 uses path-style addressing there. */
export function emulatorClientConfig(endpoint: string, region: string) {
  return { endpoint, region, credentials: localCredentials, forcePathStyle: true, maxAttempts: 3 };
}
