import type { z } from "zod";
import type { FunctionEnvSchema } from "../config/function-env.ts";
import { MisconfigurationError } from "../errors.ts";

/** Parses a function's environment once per cold start; a missing variable is a deployment bug. */
export function parseFunctionEnv<Env extends FunctionEnvSchema>(
  schema: Env,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<Env> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => i.path.join(".")).join(", ");
    throw new MisconfigurationError(`Function environment is invalid: ${names}`);
  }
  return parsed.data;
}
