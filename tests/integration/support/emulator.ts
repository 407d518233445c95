import { randomUUID } from "node:crypto";
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { build } from "esbuild";
import { zipSync } from "fflate";
import { localAccount } from "../../../cli/emulator/settings.ts";
import { emulatorClientConfig } from "../../../cli/local-stack/aws-clients.ts";
import { type LocalStack, loadLocalStack } from "../../../cli/local-stack/deploy.ts";
import { pollUntil } from "../../../cli/poll.ts";

/** The deployed local stack the integration run targets (deployed by `govdr test`). */
export function localStack(): LocalStack {
  return loadLocalStack();
}

export function clientConfig(region?: string) {
  const stack = localStack();
  return emulatorClientConfig(stack.endpoint, region ?? stack.regions.primary);
}

/** A name no earlier run used, so tests never depend on emulator state left behind. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export const anyRoleArn = `arn:aws:iam::${localAccount}:role/govdr-capability-test`;

/**
 * Creates a Node.js Lambda from TypeScript source (bundled with esbuild, AWS SDK included, as the
 * CDK construct does) and waits until it is Active.
 */
export async function createNodeLambda(
  lambda: LambdaClient,
  name: string,
  source: string,
  environment: Record<string, string> = {},
): Promise<string> {
  const bundle = await build({
    stdin: { contents: source, loader: "ts", resolveDir: process.cwd() },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    write: false,
    logLevel: "silent",
  });
  const code = bundle.outputFiles[0]?.contents;
  if (!code) throw new Error("esbuild produced no output");
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs22.x",
      Handler: "index.handler",
      Role: anyRoleArn,
      Code: { ZipFile: zipSync({ "index.js": code }) },
      Timeout: 30,
      Environment: { Variables: environment },
    }),
  );
  await pollUntil(
    async () => {
      const { Configuration } = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
      return Configuration?.State === "Active" ? true : undefined;
    },
    { timeoutMs: 30_000, what: `Lambda ${name} to become Active` },
  );
  if (!created.FunctionArn) throw new Error(`CreateFunction returned no ARN for ${name}`);
  return created.FunctionArn;
}

export { LambdaClient, pollUntil };
