import type { APIGatewayTokenAuthorizerEvent } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { handler } from "../../../functions/api/authorizer.ts";
import { loadEvent, withEnv } from "../../support/fixtures.ts";

describe("API authorizer (deny by default)", () => {
  let restore: () => void;
  beforeEach(() => {
    restore = withEnv({ GOVDR_STAGE: "local", POWERTOOLS_SERVICE_NAME: "govdr-authorizer" });
  });
  afterEach(() => restore());

  it("allows the public GET /health route", async () => {
    const event = loadEvent<APIGatewayTokenAuthorizerEvent>("authorizer/token-get-health.json");

    const result = await handler(event);

    expect(result.policyDocument.Statement).toEqual([
      { Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn },
    ]);
  });

  it("denies every other route, whatever token is presented", async () => {
    const event = loadEvent<APIGatewayTokenAuthorizerEvent>("authorizer/token-post-tenants.json");

    const result = await handler(event);

    expect(result.principalId).toBe("anonymous");
    expect(result.policyDocument.Statement).toEqual([
      { Action: "execute-api:Invoke", Effect: "Deny", Resource: event.methodArn },
    ]);
  });

  it("denies GET on a path that merely starts with /health", async () => {
    const event = {
      ...loadEvent<APIGatewayTokenAuthorizerEvent>("authorizer/token-get-health.json"),
      methodArn: "arn:aws-cn:execute-api:cn-north-1:000000000000:a1b2c3d4/v1/GET/health/../tenants",
    };

    const result = await handler(event);

    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: "Deny" });
  });

  it("rejects a method ARN that is not an execute-api ARN", async () => {
    const event = {
      ...loadEvent<APIGatewayTokenAuthorizerEvent>("authorizer/token-get-health.json"),
      methodArn: "nope",
    };

    await expect(handler(event)).rejects.toThrow(/Not an execute-api method ARN/);
  });
});
