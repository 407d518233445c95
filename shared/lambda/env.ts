import { z } from "zod";
import type { FunctionEnvSchema } from "../config/function-env.ts";
import { MisconfigurationError } from "../errors.ts";

/**
 * What the Lambda runtime itself sets in every function (the deployment may not set these, so they
 * are not part of the schemas infra types `environment` with).
 */
export const lambdaRuntimeEnv = z.object({ AWS_REGION: z.string().min(1) });
export type FunctionEnv<Env extends FunctionEnvSchema> = z.infer<Env> & z.infer<typeof lambdaRuntimeEnv>;

/** Parses a function's environment once per cold start; a missing variable is a deployment bug. */
export function parseFunctionEnv<Env extends FunctionEnvSchema>(
  schema: Env,
  env: NodeJS.ProcessEnv = process.env,
): FunctionEnv<Env> {
  const parsed = schema.extend(lambdaRuntimeEnv.shape).safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => i.path.join(".")).join(", ");
    throw new MisconfigurationError(`Function environment is invalid: ${names}`);
  }
  return parsed.data as FunctionEnv<Env>;
}
