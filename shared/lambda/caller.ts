import type { APIGatewayProxyEvent } from "aws-lambda";
import { type SessionClaims, sessionClaimsSchema } from "../identity/session-token.ts";

/**
 * The authorizer passes the verified session claims to the handler as JSON in its context
 * (API Gateway context values must be strings). Routes behind the authorizer always have them.
 */
export function callerClaims(event: APIGatewayProxyEvent): SessionClaims | undefined {
  const raw = event.requestContext.authorizer?.claims;
  if (typeof raw !== "string") return undefined;
  return sessionClaimsSchema.parse(JSON.parse(raw));
}
