import { requests } from "../../shared/api/request-schemas.ts";
import { awsIdentity } from "../../shared/aws/directory.ts";
import { authFunctionEnv } from "../../shared/config/function-env.ts";
import { requireCaller } from "../../shared/lambda/caller.ts";
import { parseBody } from "../../shared/lambda/request.ts";
import { resourceHandler } from "../../shared/lambda/resource-handler.ts";

/** Sign-in, password change, MFA, refresh and sign-out (DESIGN.md §API and identity). */
export const handler = resourceHandler(
  authFunctionEnv,
  { eventSource: "auth.govdr", deps: awsIdentity },
  {
    "POST /auth/login": {
      eventName: "Login",
      readOnly: false,
      handle: async (event, { deps, audit }) => {
        const { userName, password } = parseBody(requests.login, event);
        const user = await deps.users.findByUserName(userName);
        if (user) {
          audit.tenantId = user.tenantId;
          audit.resources = [{ type: "govdr::user", id: user.userId }];
        }
        return { statusCode: 200, body: await deps.identity.login(userName, password) };
      },
    },
    "POST /auth/agent-token": {
      eventName: "AgentLogin",
      readOnly: false,
      handle: async (event, { deps, audit }) => {
        const { keyId, secret } = parseBody(requests.agentToken, event);
        const key = await deps.agentKeys.get(keyId);
        if (key) {
          audit.tenantId = key.tenantId;
          audit.resources = [
            { type: "govdr::agent-key", id: key.keyId },
            { type: "govdr::system", id: key.systemId },
          ];
        }
        return { statusCode: 200, body: await deps.identity.agentLogin(keyId, secret) };
      },
    },
    "POST /auth/password": {
      eventName: "ChangePassword",
      readOnly: false,
      handle: async (event, { deps }) => {
        const { currentPassword, newPassword } = parseBody(requests.changePassword, event);
        return {
          statusCode: 200,
          body: await deps.identity.changePassword(requireCaller(event), currentPassword, newPassword),
        };
      },
    },
    "POST /auth/mfa/enrolment": {
      eventName: "StartMfaEnrolment",
      readOnly: false,
      handle: async (event, { deps }) => ({
        statusCode: 200,
        body: await deps.identity.startMfaEnrolment(requireCaller(event)),
      }),
    },
    "POST /auth/mfa/verification": {
      eventName: "VerifyMfa",
      readOnly: false,
      handle: async (event, { deps }) => {
        const { code } = parseBody(requests.mfaCode, event);
        return { statusCode: 200, body: await deps.identity.verifyMfa(requireCaller(event), code) };
      },
    },
    "POST /auth/refresh": {
      eventName: "RefreshSession",
      readOnly: false,
      handle: async (event, { deps }) => ({
        statusCode: 200,
        body: await deps.identity.refresh(requireCaller(event)),
      }),
    },
    "POST /auth/logout": {
      eventName: "Logout",
      readOnly: false,
      handle: async (event, { deps }) => {
        await deps.identity.logout(requireCaller(event));
        return { statusCode: 200, body: { signedOut: true } };
      },
    },
    "GET /auth/session": {
      eventName: "GetSession",
      readOnly: true,
      handle: async (event) => {
        const { sub, tid, roles, scope, auth_time, amr, sys } = requireCaller(event);
        return {
          statusCode: 200,
          body: {
            userId: sub,
            tenantId: tid,
            roles,
            scope,
            authTime: auth_time,
            amr,
            ...(sys ? { systemId: sys } : {}),
          },
        };
      },
    },
  },
);
