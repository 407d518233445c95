import type { APIGatewayProxyEvent } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { handler } from "../../../functions/api/health.ts";
import { lambdaContext, loadEvent, withEnv } from "../../support/fixtures.ts";

describe("GET /health", () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it("answers 200 with status, version and time, and no configuration details", async () => {
    restore = withEnv({
      GOVDR_STAGE: "local",
      POWERTOOLS_SERVICE_NAME: "govdr-api",
      GOVDR_VERSION: "9.9.9",
      AWS_REGION: "cn-north-1",
    });

    const response = await handler(loadEvent<APIGatewayProxyEvent>("api/get-health.json"), lambdaContext());

    expect(response.statusCode).toBe(200);
    expect(response.headers?.["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(response.body);
    expect(Object.keys(body).sort()).toEqual(["service", "status", "time", "version"]);
    expect(body).toMatchObject({ status: "ok", service: "govdr", version: "9.9.9" });
    expect(Number.isNaN(Date.parse(body.time))).toBe(false);
  });

  it("answers a stable MISCONFIGURED error, not a crash, when its environment is incomplete", async () => {
    restore = withEnv({
      GOVDR_STAGE: "local",
      POWERTOOLS_SERVICE_NAME: "govdr-api",
      GOVDR_VERSION: undefined,
    });

    const response = await handler(loadEvent<APIGatewayProxyEvent>("api/get-health.json"), lambdaContext());

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toMatchObject({ code: "MISCONFIGURED", requestId: "req-0000-1111" });
    expect(response.body).not.toContain("GOVDR_VERSION_SECRET");
  });
});
