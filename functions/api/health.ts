import { openApiDocument } from "../../shared/api/openapi.ts";
import { healthFunctionEnv } from "../../shared/config/function-env.ts";
import { apiHandler } from "../../shared/lambda/api-handler.ts";
import { jsonResponse } from "../../shared/lambda/http.ts";
import { route } from "../../shared/lambda/router.ts";

/** Public, unaudited routes: liveness for probes, and the OpenAPI document. Neither reveals tenant data. */
export const handler = apiHandler(healthFunctionEnv, async (event, { env }) =>
  route(event, {
    "GET /health": () =>
      jsonResponse(200, {
        status: "ok",
        service: "govdr",
        version: env.GOVDR_VERSION,
        time: new Date().toISOString(),
      }),
    "GET /openapi.json": () => jsonResponse(200, openApiDocument(env.GOVDR_VERSION)),
  }).handler(),
);
