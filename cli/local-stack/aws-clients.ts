import { localCredentials } from "../emulator/settings.ts";

/** The environment under which the agent (or any AWS tool) reaches the local stack's S3 and KMS. */
export function emulatorAgentEnv(stack: {
  endpoint: string;
  regions: { primary: string };
}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ENDPOINT_URL: stack.endpoint,
    AWS_REGION: stack.regions.primary,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
  };
}

/** Client settings for an emulator endpoint; S3 uses path-style addressing there. */
export function emulatorClientConfig(endpoint: string, region: string) {
  return { endpoint, region, credentials: localCredentials, forcePathStyle: true, maxAttempts: 3 };
}
