import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from "aws-lambda";
import { authorizerFunctionEnv } from "../../shared/config/function-env.ts";
import { authorizerPolicy, parseMethodArn } from "../../shared/lambda/authorizer-policy.ts";
import { parseFunctionEnv } from "../../shared/lambda/env.ts";

const logger = new Logger();
const publicRoutes = new Set(["GET /health"]);

/**
 * Deny-by-default gate in front of every non-public route. Until the identity service exists it
 * knows no valid session, so the only requests it lets through are the public routes.
 */
export async function handler(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  parseFunctionEnv(authorizerFunctionEnv);
  const { method, path } = parseMethodArn(event.methodArn);
  const effect = publicRoutes.has(`${method} ${path}`) ? "Allow" : "Deny";
  logger.info("authorizer decision", { method, path, effect });
  return authorizerPolicy("anonymous", effect, event.methodArn);
}
