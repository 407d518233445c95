import type { APIGatewayAuthorizerResult } from "aws-lambda";

export function authorizerPolicy(
  principalId: string,
  effect: "Allow" | "Deny",
  methodArn: string,
  context: Record<string, string> = {},
): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: methodArn }],
    },
    context,
  };
}
