import { describe, expect, it } from "vitest";
import { heartbeatMonitorFunctionEnv } from "../../../shared/config/function-env.ts";

const env = {
  GOVDR_STAGE: "local",
  POWERTOOLS_SERVICE_NAME: "govdr-heartbeat-monitor",
  TENANTS_TABLE: "tenants",
  AUDIT_TABLE: "audit",
  POLICIES_TABLE: "policies",
};

describe("the heartbeat monitor's function", () => {
  it("refuses loopback endpoints unless ALLOW_LOOPBACK_ENDPOINTS is true", () => {
    expect(heartbeatMonitorFunctionEnv.parse(env).ALLOW_LOOPBACK_ENDPOINTS).toBe(false);
    expect(
      heartbeatMonitorFunctionEnv.parse({ ...env, ALLOW_LOOPBACK_ENDPOINTS: "true" })
        .ALLOW_LOOPBACK_ENDPOINTS,
    ).toBe(true);
    expect(heartbeatMonitorFunctionEnv.safeParse({ ...env, ALLOW_LOOPBACK_ENDPOINTS: "yes" }).success).toBe(
      false,
    );
    expect(heartbeatMonitorFunctionEnv.safeParse({ ...env, POLICIES_TABLE: undefined }).success).toBe(false);
  });
});
