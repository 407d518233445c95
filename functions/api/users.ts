import type { APIGatewayProxyEvent } from "aws-lambda";
import { z } from "zod";
import { requests } from "../../shared/api/request-schemas.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { writerFunctionEnv } from "../../shared/config/function-env.ts";
import { authorize } from "../../shared/identity/permissions.ts";
import { requireRecentAuthentication } from "../../shared/identity/session-token.ts";
import { changeIdentitySettings } from "../../shared/identity/settings-service.ts";
import { publicUser } from "../../shared/identity/user.ts";
import { UserService } from "../../shared/identity/user-service.ts";
import { awsIdempotency } from "../../shared/lambda/aws-idempotency.ts";
import { requireCaller } from "../../shared/lambda/caller.ts";
import { parseBody } from "../../shared/lambda/request.ts";
import { type RouteSpec, resourceHandler } from "../../shared/lambda/resource-handler.ts";

const userPath = z.object({
  userId: z.string().regex(/^u-[0-9a-z]{12}$/, "a user id such as u-4k2m9x0q7w1z"),
});

const deps = async (env: z.infer<typeof writerFunctionEnv>) => {
  const directory = awsDirectory(env);
  return {
    ...directory,
    service: new UserService({
      users: directory.users,
      settings: directory.settings,
      now: directory.now,
    }),
    idempotency: awsIdempotency(env.IDEMPOTENCY_TABLE),
  };
};
type Deps = Awaited<ReturnType<typeof deps>>;
type Env = z.infer<typeof writerFunctionEnv>;

/** The administrator calling, allowed to manage users of its own scope; identity changes need a fresh sign-in. */
async function administrator(event: APIGatewayProxyEvent, deps: Deps) {
  const caller = requireCaller(event);
  authorize(caller, "user:manage", caller.tid);
  requireRecentAuthentication(caller, deps.now(), await deps.settings());
  return caller;
}

const targetId = (event: APIGatewayProxyEvent) => userPath.parse(event.pathParameters ?? {}).userId;

/** Disabling and enabling differ only in the status they set. */
function statusRoute(status: "active" | "disabled", eventName: string): RouteSpec<Env, Deps> {
  return {
    eventName,
    readOnly: false,
    handle: async (event, { deps, audit }) => {
      const user = await deps.service.setStatus(await administrator(event, deps), targetId(event), status);
      audit.resources = [{ type: "govdr::user", id: user.userId }];
      return { statusCode: 200, body: publicUser(user) };
    },
  };
}

/** User administration (R-IA-02/08/10/11); one-time passwords are shown once, never audited. */
export const handler = resourceHandler(
  writerFunctionEnv,
  { eventSource: "users.govdr", deps },
  {
    "POST /users": {
      eventName: "CreateUser",
      readOnly: false,
      handle: async (event, { deps, audit }) => {
        const caller = await administrator(event, deps);
        const { user, oneTimePassword } = await deps.service.create(
          caller,
          parseBody(requests.newUser, event),
        );
        audit.resources = [{ type: "govdr::user", id: user.userId }];
        audit.responseElements = { userId: user.userId, roles: user.roles };
        return { statusCode: 201, body: { user: publicUser(user), oneTimePassword } };
      },
    },
    "GET /users": {
      eventName: "ListUsers",
      readOnly: true,
      handle: async (event, { deps }) => {
        const caller = requireCaller(event);
        authorize(caller, "user:manage", caller.tid);
        const page = await deps.users.listByTenant(
          caller.tid,
          requests.page.parse(event.queryStringParameters ?? {}),
        );
        return { statusCode: 200, body: { ...page, items: page.items.map(publicUser) } };
      },
    },
    "PUT /users/{userId}/roles": {
      eventName: "SetUserRoles",
      readOnly: false,
      handle: async (event, { deps, audit }) => {
        const caller = await administrator(event, deps);
        const user = await deps.service.setRoles(
          caller,
          targetId(event),
          parseBody(requests.roles, event).roles,
        );
        audit.resources = [{ type: "govdr::user", id: user.userId }];
        return { statusCode: 200, body: publicUser(user) };
      },
    },
    "POST /users/{userId}/disable": statusRoute("disabled", "DisableUser"),
    "POST /users/{userId}/enable": statusRoute("active", "EnableUser"),
    "POST /users/{userId}/password-reset": {
      eventName: "ResetUserPassword",
      readOnly: false,
      handle: async (event, { deps, audit }) => {
        const { user, oneTimePassword } = await deps.service.resetPassword(
          await administrator(event, deps),
          targetId(event),
        );
        audit.resources = [{ type: "govdr::user", id: user.userId }];
        return { statusCode: 200, body: { user: publicUser(user), oneTimePassword } };
      },
    },
    "GET /identity/settings": {
      eventName: "GetIdentitySettings",
      readOnly: true,
      handle: async (event, { deps }) => {
        authorize(requireCaller(event), "identity-settings:read");
        return { statusCode: 200, body: await deps.settingsStore.get() };
      },
    },
    "PUT /identity/settings": {
      eventName: "UpdateIdentitySettings",
      readOnly: false,
      handle: async (event, { deps, audit }) => {
        const caller = requireCaller(event);
        authorize(caller, "identity-settings:write");
        requireRecentAuthentication(caller, deps.now(), await deps.settings());
        const { before, after } = await changeIdentitySettings(
          deps.settingsStore,
          caller,
          parseBody(requests.identitySettings, event),
          deps.now(),
        );
        audit.resources = [{ type: "govdr::identity-settings", id: "platform" }];
        audit.responseElements = { before: before.settings, after: after.settings, version: after.version };
        return { statusCode: 200, body: after };
      },
    },
  },
);
