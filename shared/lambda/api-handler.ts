import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { FunctionEnvSchema } from "../config/function-env.ts";
import { type FunctionEnv, parseFunctionEnv } from "./env.ts";
import { errorResponse } from "./http.ts";

export interface ApiContext<Env> {
  env: Env;
  logger: Logger;
  lambda: Context;
}

export type ApiFunction<Env> = (
  event: APIGatewayProxyEvent,
  ctx: ApiContext<Env>,
) => Promise<APIGatewayProxyResult>;

/**
 * Every API handler reads the same: `apiHandler(envSchema, async (event, ctx) => …)`. The bundle
 * parses the environment, injects the Lambda context into structured logs, and maps every error
 * through `errorResponse`, so a handler never builds an error answer by hand.
 */
export function apiHandler<Env extends FunctionEnvSchema>(envSchema: Env, fn: ApiFunction<FunctionEnv<Env>>) {
  const logger = new Logger();
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      try {
        const env = parseFunctionEnv(envSchema);
        return await fn(event, { env, logger, lambda: context });
      } catch (error) {
        const response = errorResponse(error, context.awsRequestId);
        if (response.statusCode >= 500) logger.error("request failed", { error: error as Error });
        else logger.info("request refused", { statusCode: response.statusCode });
        return response;
      }
    });
}
