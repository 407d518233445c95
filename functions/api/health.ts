import { healthFunctionEnv } from "../../shared/config/function-env.ts";
import { apiHandler } from "../../shared/lambda/api-handler.ts";
import { jsonResponse } from "../../shared/lambda/http.ts";

/** Liveness probe for load balancers and operators; reveals no tenant or configuration data. */
export const handler = apiHandler(healthFunctionEnv, async (_event, { env }) =>
  jsonResponse(200, {
    status: "ok",
    service: "govdr",
    version: env.GOVDR_VERSION,
    time: new Date().toISOString(),
  }),
);
