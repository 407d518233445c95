import { requests } from "../../shared/api/request-schemas.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { snsNotificationTopic } from "../../shared/aws/notifications.ts";
import { notificationsFunctionEnv } from "../../shared/config/function-env.ts";
import type { FunctionEnv } from "../../shared/lambda/env.ts";
import { parseBody, parseQuery } from "../../shared/lambda/request.ts";
import { type RouteDeps, type RouteMap, resourceHandler } from "../../shared/lambda/resource-handler.ts";
import { NotificationService } from "../../shared/notifications/notification-service.ts";
import { DynamoDbSubscriptionStore } from "../../shared/stores/dynamodb/subscription-store.ts";

type Env = FunctionEnv<typeof notificationsFunctionEnv>;
export interface NotificationRouteDeps extends RouteDeps {
  notifications: Pick<NotificationService, "subscribe" | "list" | "remove">;
}

const subscriptionResource = (id: string) => [{ type: "govdr::subscription", id }];

/** Where a unit's drill results, RPO breaches and their end are sent (000 §7.5.3(5)). */
export const notificationRoutes: RouteMap<Env, NotificationRouteDeps> = {
  "POST /notifications/subscriptions": {
    eventName: "CreateNotificationSubscription",
    readOnly: false,
    handle: async (event, { deps, caller, audit }) => {
      const subscription = await deps.notifications.subscribe(
        caller,
        parseBody(requests.subscription, event),
      );
      audit.resources = subscriptionResource(subscription.subscriptionId);
      return { statusCode: 201, body: subscription };
    },
  },
  "GET /notifications/subscriptions": {
    eventName: "ListNotificationSubscriptions",
    readOnly: true,
    handle: async (event, { deps, caller }) => ({
      statusCode: 200,
      body: await deps.notifications.list(caller, parseQuery(requests.page, event)),
    }),
  },
  "POST /notifications/subscriptions/{subscriptionId}/remove": {
    eventName: "RemoveNotificationSubscription",
    readOnly: false,
    handle: async (_event, { deps, caller, path, audit }) => {
      audit.resources = subscriptionResource(path.subscriptionId as string);
      return {
        statusCode: 200,
        body: await deps.notifications.remove(caller, path.subscriptionId as string),
      };
    },
  },
};

export const handler = resourceHandler(
  notificationsFunctionEnv,
  (env) => {
    const directory = awsDirectory(env);
    return {
      ...directory,
      notifications: new NotificationService({
        subscriptions: new DynamoDbSubscriptionStore(directory.db, env.POLICIES_TABLE),
        topic: snsNotificationTopic(env),
        now: directory.now,
      }),
    };
  },
  { eventSource: "notifications.govdr", routes: notificationRoutes },
);
