import { requests } from "../../shared/api/request-schemas.ts";
import { awsIdentity } from "../../shared/aws/directory.ts";
import { authFunctionEnv } from "../../shared/config/function-env.ts";
import type { IdentityService } from "../../shared/identity/identity-service.ts";
import type { FunctionEnv } from "../../shared/lambda/env.ts";
import { parseBody } from "../../shared/lambda/request.ts";
import { type RouteDeps, type RouteMap, resourceHandler } from "../../shared/lambda/resource-handler.ts";
import type { AgentKeyStore, UserStore } from "../../shared/stores/stores.ts";

type Env = FunctionEnv<typeof authFunctionEnv>;
export interface AuthDeps extends RouteDeps {
  users: Pick<UserStore, "findByUserName">;
  agentKeys: Pick<AgentKeyStore, "get">;
  identity: Pick<
    IdentityService,
    "login" | "agentLogin" | "changePassword" | "startMfaEnrolment" | "verifyMfa" | "refresh" | "logout"
  >;
}

/** Sign-in, password change, MFA, refresh and sign-out (DESIGN.md §API and identity). */
export const authRoutes: RouteMap<Env, AuthDeps> = {
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
    handle: async (event, { deps, caller }) => {
      const { currentPassword, newPassword } = parseBody(requests.changePassword, event);
      return {
        statusCode: 200,
        body: await deps.identity.changePassword(caller, currentPassword, newPassword),
      };
    },
  },
  "POST /auth/mfa/enrolment": {
    eventName: "StartMfaEnrolment",
    readOnly: false,
    handle: async (_event, { deps, caller }) => ({
      statusCode: 200,
      body: await deps.identity.startMfaEnrolment(caller),
    }),
  },
  "POST /auth/mfa/verification": {
    eventName: "VerifyMfa",
    readOnly: false,
    handle: async (event, { deps, caller }) => {
      const { code } = parseBody(requests.mfaCode, event);
      return { statusCode: 200, body: await deps.identity.verifyMfa(caller, code) };
    },
  },
  "POST /auth/refresh": {
    eventName: "RefreshSession",
    readOnly: false,
    handle: async (_event, { deps, caller }) => ({
      statusCode: 200,
      body: await deps.identity.refresh(caller),
    }),
  },
  "POST /auth/logout": {
    eventName: "Logout",
    readOnly: false,
    handle: async (_event, { deps, caller }) => {
      await deps.identity.logout(caller);
      return { statusCode: 200, body: { signedOut: true } };
    },
  },
  "GET /auth/session": {
    eventName: "GetSession",
    readOnly: true,
    handle: async (_event, { caller }) => {
      const { sub, tid, roles, scope, auth_time, amr, sys } = caller;
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
};

export const handler = resourceHandler(authFunctionEnv, awsIdentity, {
  eventSource: "auth.govdr",
  routes: authRoutes,
});
