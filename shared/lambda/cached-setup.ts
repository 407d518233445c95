import type { FunctionEnvSchema } from "../config/function-env.ts";
import { type FunctionEnv, parseFunctionEnv } from "./env.ts";

/**
 * A Lambda's environment and dependencies, built once per cold start and shared by every
 * invocation; a failed setup is retried by the next invocation instead of failing them all.
 */
export function cachedSetup<EnvSchema extends FunctionEnvSchema, Deps>(
  envSchema: EnvSchema,
  deps: (env: FunctionEnv<EnvSchema>) => Promise<Deps> | Deps,
): () => Promise<{ env: FunctionEnv<EnvSchema>; deps: Deps }> {
  let cached: Promise<{ env: FunctionEnv<EnvSchema>; deps: Deps }> | undefined;
  return () => {
    cached ??= (async () => {
      const env = parseFunctionEnv(envSchema);
      return { env, deps: await deps(env) };
    })().catch((error) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}
