import { requests } from "../../shared/api/request-schemas.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { writerFunctionEnv } from "../../shared/config/function-env.ts";
import { changeIdentitySettings } from "../../shared/identity/settings-service.ts";
import type { IdentitySettingsStore } from "../../shared/identity/settings-store.ts";
import { publicUser } from "../../shared/identity/user.ts";
import { UserService } from "../../shared/identity/user-service.ts";
import type { FunctionEnv } from "../../shared/lambda/env.ts";
import { parseBody, parseQuery } from "../../shared/lambda/request.ts";
import {
  type RouteDeps,
  type RouteMap,
  type RouteSpec,
  resourceHandler,
} from "../../shared/lambda/resource-handler.ts";
import type { UserStore } from "../../shared/stores/stores.ts";

type Env = FunctionEnv<typeof writerFunctionEnv>;
export interface UserDeps extends RouteDeps {
  users: UserStore;
  settingsStore: IdentitySettingsStore;
  service: Pick<UserService, "create" | "setRoles" | "setStatus" | "resetPassword">;
}

/** Disabling and enabling differ only in the status they set. */
function statusRoute(status: "active" | "disabled", eventName: string): RouteSpec<Env, UserDeps> {
  return {
    eventName,
    readOnly: false,
    handle: async (_event, { deps, caller, path, audit }) => {
      const user = await deps.service.setStatus(caller, path.userId as string, status);
      audit.resources = [{ type: "govdr::user", id: user.userId }];
      return { statusCode: 200, body: publicUser(user) };
    },
  };
}

/**
 * User administration of the caller's own scope (R-IA-02/08/10/11); one-time passwords are shown
 * once, never audited.
 */
export const userRoutes: RouteMap<Env, UserDeps> = {
  "POST /users": {
    eventName: "CreateUser",
    readOnly: false,
    handle: async (event, { deps, caller, audit }) => {
      const { user, oneTimePassword } = await deps.service.create(caller, parseBody(requests.newUser, event));
      audit.resources = [{ type: "govdr::user", id: user.userId }];
      audit.responseElements = { userId: user.userId, roles: user.roles };
      return { statusCode: 201, body: { user: publicUser(user), oneTimePassword } };
    },
  },
  "GET /users": {
    eventName: "ListUsers",
    readOnly: true,
    handle: async (event, { deps, caller }) => {
      const page = await deps.users.listByTenant(caller.tid, parseQuery(requests.page, event));
      return { statusCode: 200, body: { ...page, items: page.items.map(publicUser) } };
    },
  },
  "PUT /users/{userId}/roles": {
    eventName: "SetUserRoles",
    readOnly: false,
    handle: async (event, { deps, caller, path, audit }) => {
      const { roles } = parseBody(requests.roles, event);
      const user = await deps.service.setRoles(caller, path.userId as string, roles);
      audit.resources = [{ type: "govdr::user", id: user.userId }];
      return { statusCode: 200, body: publicUser(user) };
    },
  },
  "POST /users/{userId}/disable": statusRoute("disabled", "DisableUser"),
  "POST /users/{userId}/enable": statusRoute("active", "EnableUser"),
  "POST /users/{userId}/password-reset": {
    eventName: "ResetUserPassword",
    readOnly: false,
    handle: async (_event, { deps, caller, path, audit }) => {
      const { user, oneTimePassword } = await deps.service.resetPassword(caller, path.userId as string);
      audit.resources = [{ type: "govdr::user", id: user.userId }];
      return { statusCode: 200, body: { user: publicUser(user), oneTimePassword } };
    },
  },
  "GET /identity/settings": {
    eventName: "GetIdentitySettings",
    readOnly: true,
    handle: async (_event, { deps }) => ({ statusCode: 200, body: await deps.settingsStore.get() }),
  },
  "PUT /identity/settings": {
    eventName: "UpdateIdentitySettings",
    readOnly: false,
    handle: async (event, { deps, caller, audit }) => {
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
};

export const handler = resourceHandler(
  writerFunctionEnv,
  (env) => {
    const directory = awsDirectory(env);
    const { users, settings, now } = directory;
    return {
      ...directory,
      service: new UserService({ users, settings, now }),
    };
  },
  { eventSource: "users.govdr", routes: userRoutes },
);
