import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type { z } from "zod";
import type { FunctionEnvSchema } from "../config/function-env.ts";
import { fieldErrorsOf, ValidationError } from "../errors.ts";
import { cachedSetup } from "./cached-setup.ts";
import type { FunctionEnv } from "./env.ts";

export interface TaskContext<Env, Deps> {
  env: Env;
  deps: Deps;
  logger: Logger;
  lambda: Context;
}

/**
 * Every task and event Lambda (Step Functions tasks, schedules, streams) reads the same:
 * `taskHandler(envSchema, {deps, input}, run)`. The bundle parses the environment and builds the
 * dependencies once per cold start, checks the input against `input` (a ValidationError otherwise),
 * and lets every error through with its catalogue name, so Retry/Catch and retries can match it.
 */
export function taskHandler<EnvSchema extends FunctionEnvSchema, Deps, Input extends z.ZodType, Result>(
  envSchema: EnvSchema,
  options: { deps: (env: FunctionEnv<EnvSchema>) => Promise<Deps> | Deps; input: Input },
  run: (input: z.infer<Input>, ctx: TaskContext<FunctionEnv<EnvSchema>, Deps>) => Promise<Result>,
) {
  const logger = new Logger();
  const setup = cachedSetup(envSchema, options.deps);
  return middy<unknown, Result>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const { env, deps } = await setup();
      const input = options.input.safeParse(event ?? {});
      if (!input.success) throw new ValidationError("Invalid task input", fieldErrorsOf(input.error));
      try {
        return await run(input.data, { env, deps, logger, lambda: context });
      } catch (error) {
        logger.error("task failed", { error: error as Error });
        throw error;
      }
    });
}
