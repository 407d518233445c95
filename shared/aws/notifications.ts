import {
  CreateTopicCommand,
  NotFoundException,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import type { DrillNotifier } from "../drills/drill-steps.ts";
import type { NotificationTopic } from "../notifications/notification-service.ts";

/** The key the platform's and every unit's topic are encrypted with. */
export const notificationsKeyAlias = "alias/govdr-notifications";

/** The platform's topic: every unit's notifications, each naming its tenant (platform operators subscribe). */
export const notificationsTopicName = "govdr-notifications";

/**
 * Each unit's own topic, made when its first subscription is: one unit's subscriptions never share
 * a topic with another's (SNS keeps one subscription per topic and endpoint, so two units
 * subscribing the same address would otherwise collide).
 */
export const tenantTopicName = (tenantId: string) => `govdr-tenant-${tenantId}`;

/** The topic ARN of `name` in the same account and region as `platformTopicArn`. */
const siblingTopicArn = (platformTopicArn: string, name: string) =>
  platformTopicArn.replace(/:[^:]+$/, `:${name}`);

/** Subscriptions of each unit's topic, filtered to the kinds chosen; the topic is encrypted with the platform's key. */
export function snsNotificationTopic(env: {
  NOTIFICATIONS_TOPIC_ARN: string;
  NOTIFICATIONS_KEY_ID: string;
}): NotificationTopic {
  const sns = new SNSClient({});
  return {
    subscribe: async (tenantId, { protocol, endpoint, kinds }) => {
      const { TopicArn } = await sns.send(
        new CreateTopicCommand({
          Name: tenantTopicName(tenantId),
          Attributes: { KmsMasterKeyId: env.NOTIFICATIONS_KEY_ID, DisplayName: "govdr" },
          Tags: [{ Key: "govdr:tenant", Value: tenantId }],
        }),
      );
      const { SubscriptionArn } = await sns.send(
        new SubscribeCommand({
          TopicArn: TopicArn ?? siblingTopicArn(env.NOTIFICATIONS_TOPIC_ARN, tenantTopicName(tenantId)),
          Protocol: protocol,
          Endpoint: endpoint,
          ReturnSubscriptionArn: true,
          Attributes: { FilterPolicy: JSON.stringify({ kind: kinds }) },
        }),
      );
      if (!SubscriptionArn) throw new Error("SNS returned no subscription ARN");
      return SubscriptionArn;
    },
    unsubscribe: async (snsSubscriptionArn) => {
      await sns.send(new UnsubscribeCommand({ SubscriptionArn: snsSubscriptionArn }));
    },
  };
}

/**
 * Publishes to the platform's topic (with the tenant as an attribute) and to the unit's own topic,
 * which exists once the unit has subscribed to something; a unit without one has no one to tell.
 */
export function snsNotifier(platformTopicArn: string): DrillNotifier {
  const sns = new SNSClient({});
  return {
    publish: async (tenantId, message) => {
      const body = {
        Subject: message.subject.slice(0, 100),
        Message: JSON.stringify({ tenantId, kind: message.kind, text: message.text, data: message.data }),
        MessageAttributes: {
          tenantId: { DataType: "String", StringValue: tenantId },
          kind: { DataType: "String", StringValue: message.kind },
        },
      };
      await sns.send(new PublishCommand({ TopicArn: platformTopicArn, ...body }));
      try {
        await sns.send(
          new PublishCommand({
            TopicArn: siblingTopicArn(platformTopicArn, tenantTopicName(tenantId)),
            ...body,
          }),
        );
      } catch (error) {
        if (!(error instanceof NotFoundException) && (error as Error).name !== "NotFound") throw error;
      }
    },
  };
}
