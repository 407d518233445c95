import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { apiAuditEvent, platformTenant, requestFacts } from "../../shared/audit/api-event.ts";
import { awsIdentity } from "../../shared/aws/directory.ts";
import { authorizerFunctionEnv } from "../../shared/config/function-env.ts";
import { authorizeRequest } from "../../shared/identity/authorize-request.ts";
import { authorizerPolicy } from "../../shared/lambda/authorizer-policy.ts";
import { cachedSetup } from "../../shared/lambda/cached-setup.ts";
import { bearerToken } from "../../shared/lambda/request.ts";

const logger = new Logger();
const setup = cachedSetup(authorizerFunctionEnv, awsIdentity);

/**
 * Every protected request: a valid token of a live, not idle session, whose scope allows the route
 * (a step-scoped session reaches only its step). Every decision is audited. Denials answer 403;
 * a missing, expired or ended session answers 401 ("Unauthorized" is API Gateway's contract for it).
 */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const { env, deps } = await setup();
  const { identity, audit, tenants, now } = deps;
  const method = event.httpMethod;
  const path = event.resource;
  const { decision, claims, reason } = await authorizeRequest(
    {
      authenticate: (token) => identity.authenticate(token),
      ipAllowList: async (tenantId) => (await tenants.get(tenantId))?.ipAllowList ?? [],
    },
    {
      token: bearerToken(event.headers),
      method,
      resource: path,
      sourceIp: event.requestContext.identity.sourceIp,
    },
  );
  await audit.record(
    claims?.tid ?? platformTenant,
    apiAuditEvent({
      request: requestFacts(event.requestContext, { httpMethod: method, resource: path }),
      eventSource: "authorizer.govdr",
      eventName: "AuthorizeRequest",
      readOnly: true,
      region: env.AWS_REGION,
      claims,
      responseElements: { decision },
      ...(reason
        ? { error: { code: decision === "Deny" ? "FORBIDDEN" : "UNAUTHENTICATED", message: reason } }
        : {}),
      now: now(),
    }),
  );
  logger.info("authorizer decision", { method, path, decision, reason });
  if (decision === "Unauthorized") throw new Error("Unauthorized");
  return authorizerPolicy(
    claims?.sub ?? "anonymous",
    decision,
    event.methodArn,
    claims ? { claims: JSON.stringify(claims) } : {},
  );
}
