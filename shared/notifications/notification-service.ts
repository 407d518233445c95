import { ConflictError, NotFoundError } from "../errors.ts";
import type { SessionClaims } from "../identity/session-token.ts";
import { newId } from "../stores/ids.ts";
import type { Page } from "../stores/page.ts";
import { notificationKinds, type Subscription, type SubscriptionRequest } from "./subscription.ts";

/** A unit may have this many subscriptions at once. */
export const subscriptionLimit = 20;

/** Each unit's notification subscriptions; a removed one is kept, marked, for the record. */
export interface SubscriptionStore {
  create(subscription: Subscription): Promise<void>;
  get(tenantId: string, subscriptionId: string): Promise<(Subscription & { removedAt?: string }) | undefined>;
  /** The unit's subscriptions that are not removed, oldest first. */
  list(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<Subscription>>;
  markRemoved(tenantId: string, subscriptionId: string, at: string, by: string): Promise<void>;
}

/** The notifications topic: a subscription receives only its unit's messages of the kinds it chose. */
export interface NotificationTopic {
  subscribe(
    tenantId: string,
    request: Pick<Subscription, "protocol" | "endpoint" | "kinds">,
  ): Promise<string>;
  unsubscribe(snsSubscriptionArn: string): Promise<void>;
}

export interface NotificationDeps {
  subscriptions: SubscriptionStore;
  topic: NotificationTopic;
  now: () => Date;
}

/** Where a unit's drill results and RPO breaches go (000 §7.5.3(5), R-MN-01). */
export class NotificationService {
  constructor(private readonly deps: NotificationDeps) {}

  async subscribe(
    caller: Pick<SessionClaims, "tid" | "sub">,
    request: SubscriptionRequest,
  ): Promise<Subscription> {
    const existing = await this.deps.subscriptions.list(caller.tid, { limit: subscriptionLimit });
    if (existing.items.length >= subscriptionLimit) {
      throw new ConflictError(
        `The unit has ${subscriptionLimit} notification subscriptions already; remove one first`,
        "QUOTA_EXCEEDED",
      );
    }
    if (existing.items.some((s) => s.protocol === request.protocol && s.endpoint === request.endpoint)) {
      throw new ConflictError(
        `That ${request.protocol} endpoint is subscribed already; remove it first to change its kinds`,
        "CONFLICT",
      );
    }
    const kinds = request.kinds ?? [...notificationKinds];
    const snsSubscriptionArn = await this.deps.topic.subscribe(caller.tid, { ...request, kinds });
    const subscription: Subscription = {
      tenantId: caller.tid,
      subscriptionId: newId("n"),
      protocol: request.protocol,
      endpoint: request.endpoint,
      kinds,
      snsSubscriptionArn,
      createdAt: this.deps.now().toISOString(),
      createdBy: caller.sub,
    };
    await this.deps.subscriptions.create(subscription);
    return subscription;
  }

  list(caller: Pick<SessionClaims, "tid">, page: { limit: number; cursor?: string }) {
    return this.deps.subscriptions.list(caller.tid, page);
  }

  async remove(caller: Pick<SessionClaims, "tid" | "sub">, subscriptionId: string): Promise<Subscription> {
    const subscription = await this.deps.subscriptions.get(caller.tid, subscriptionId);
    if (!subscription || subscription.removedAt) throw new NotFoundError(`No subscription ${subscriptionId}`);
    await this.deps.topic.unsubscribe(subscription.snsSubscriptionArn);
    await this.deps.subscriptions.markRemoved(
      caller.tid,
      subscriptionId,
      this.deps.now().toISOString(),
      caller.sub,
    );
    return subscription;
  }
}
