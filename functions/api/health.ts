import type { APIGatewayProxyResult } from "aws-lambda";
import { openApiDocument } from "../../shared/api/openapi.ts";
import { healthFunctionEnv } from "../../shared/config/function-env.ts";
import { apiHandler } from "../../shared/lambda/api-handler.ts";
import type { FunctionEnv } from "../../shared/lambda/env.ts";
import { jsonResponse } from "../../shared/lambda/http.ts";
import { type RouteKey, route } from "../../shared/lambda/router.ts";

type Env = FunctionEnv<typeof healthFunctionEnv>;

/** Public, unaudited routes: liveness for probes, and the OpenAPI document. Neither reveals tenant data. */
export const healthRoutes = {
  "GET /health": (env: Env) =>
    jsonResponse(200, {
      status: "ok",
      service: "govdr",
      version: env.GOVDR_VERSION,
      time: new Date().toISOString(),
    }),
  "GET /openapi.json": (env: Env) => jsonResponse(200, openApiDocument(env.GOVDR_VERSION)),
} satisfies Partial<Record<RouteKey, (env: Env) => APIGatewayProxyResult>>;

export const handler = apiHandler(healthFunctionEnv, async (event, { env }) =>
  route(event, healthRoutes).handler(env),
);
