import type { APIGatewayAuthorizerResult } from "aws-lambda";

/** Splits `arn:…:execute-api:region:account:apiId/stage/METHOD/path…` into its request parts. */
export function parseMethodArn(methodArn: string): {
  apiArn: string;
  stage: string;
  method: string;
  path: string;
} {
  const [apiArn, stage, method, ...pathParts] = methodArn.split("/");
  if (!apiArn || !stage || !method) throw new Error(`Not an execute-api method ARN: ${methodArn}`);
  return { apiArn, stage, method, path: `/${pathParts.join("/")}` };
}

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
