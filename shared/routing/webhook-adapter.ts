import { ValidationError } from "../errors.ts";
import { checkOutboundUrl } from "../net/outbound-url.ts";
import { failureFor } from "./errors.ts";
import type { RouteAdapter, RouteTarget, Site, SiteAction } from "./route.ts";
import type { WebhookSecrets } from "./webhook-secrets.ts";
import { signWebhook } from "./webhook-signing.ts";

export type WebhookAction = SiteAction | "switch";

export interface WebhookAdapterOptions {
  secrets: WebhookSecrets;
  /** The local stage only: the demo service and tests listen on 127.0.0.1. */
  allowLoopback: boolean;
  fetch?: typeof fetch;
  /** How long one attempt may take before it is abandoned (and retried). */
  attemptTimeoutMs?: number;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** The first backoff; each next one doubles, and each is jittered down to half of it at random. */
  backoffBaseMs?: number;
  now?: () => Date;
  random?: () => number;
}

/** One attempt's outcome when it did not succeed: whether another attempt may help, and why not. */
interface Refusal {
  retry: boolean;
  reason: string;
}

/**
 * The `webhook` adapter: each switch and site action is an HMAC-SHA256-signed POST to the unit's
 * endpoint (`failover.webhook.url`, e.g. a gov-cloud load balancer API), which verifies it with
 * `verifyWebhook`. `Idempotency-Key` is `<switchId>:<action>:<site>`, the same on every attempt and
 * every retried task, so the unit acts once. Network errors, timeouts, 429 and 5xx are retried with
 * exponential backoff and jitter; any other answer than 2xx fails at once (a redirect too: it is not
 * followed, as it could lead to an address the platform must not call).
 */
export class WebhookAdapter implements RouteAdapter {
  private readonly fetch: typeof fetch;
  private readonly attemptTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly now: () => Date;
  private readonly random: () => number;

  constructor(private readonly options: WebhookAdapterOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 4;
    this.backoffBaseMs = options.backoffBaseMs ?? 1_000;
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
  }

  switchTo(target: RouteTarget, to: Site): Promise<{ detail: string }> {
    return this.call(target, "switch", to);
  }

  act(target: RouteTarget, action: SiteAction, site: Site): Promise<{ detail: string }> {
    return this.call(target, action, site);
  }

  private async call(target: RouteTarget, action: WebhookAction, site: Site): Promise<{ detail: string }> {
    const Failure = failureFor(action);
    const what = `the ${action} of the ${site} site of ${target.systemId}`;
    const url = target.policy.webhook?.url;
    if (!url) throw new Failure(`The failover policy of ${target.systemId} has no webhook url for ${what}`);
    let endpoint: URL;
    try {
      endpoint = await checkOutboundUrl(url, "failover.webhook.url", {
        allowLoopback: this.options.allowLoopback,
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new Failure(`The webhook for ${what} was not called: ${error.message}`, { cause: error });
    }
    const secret = await this.options.secrets.get(target.tenantId, target.systemId).catch((error: Error) => {
      throw new Failure(`The webhook signing secret for ${what} could not be read: ${error.message}`, {
        cause: error,
      });
    });
    if (!secret) {
      throw new Failure(
        `${target.systemId} has no webhook signing secret (rotate one first); ${what} was not sent`,
      );
    }
    // One key per system, action and site of a switchover (two systems may share one endpoint),
    // and the same bytes on every attempt and retried task: freshness is the signed timestamp's.
    const idempotencyKey = `${target.switchId}:${target.systemId}:${action}:${site}`;
    const body = JSON.stringify({
      action,
      site,
      tenantId: target.tenantId,
      systemId: target.systemId,
      switchId: target.switchId,
      idempotencyKey,
    });

    let refusal: Refusal = { retry: true, reason: "not sent" };
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await this.backoff(attempt - 1);
      const timestamp = Math.floor(this.now().getTime() / 1000);
      try {
        const response = await this.fetch(endpoint, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "X-Govdr-Timestamp": String(timestamp),
            "X-Govdr-Signature": signWebhook(secret, timestamp, body),
            "Idempotency-Key": idempotencyKey,
          },
          body,
          redirect: "manual",
          signal: AbortSignal.timeout(this.attemptTimeoutMs),
        });
        await response.body?.cancel().catch(() => undefined);
        if (response.status >= 200 && response.status < 300) {
          return {
            detail: `webhook: ${endpoint.host} accepted ${action} of the ${site} site (HTTP ${response.status}, attempt ${attempt} of ${this.maxAttempts}, key ${idempotencyKey})`,
          };
        }
        refusal = {
          retry: response.status === 429 || response.status >= 500,
          reason: `HTTP ${response.status}${response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : ""}`,
        };
      } catch (error) {
        const name = (error as Error).name;
        refusal = {
          retry: true,
          reason:
            name === "TimeoutError"
              ? `no answer within ${this.attemptTimeoutMs / 1000} s`
              : `${(error as Error).message}${causeOf(error)}`,
        };
      }
      if (!refusal.retry) break;
    }
    throw new Failure(
      `${endpoint.host} did not accept ${what} (${refusal.reason}${refusal.retry ? `, after ${this.maxAttempts} attempts` : ""})`,
    );
  }

  /** Exponential backoff with jitter: base·2^(n−1), scaled at random to between half and all of it. */
  private backoff(retry: number): Promise<void> {
    const ceiling = this.backoffBaseMs * 2 ** (retry - 1);
    const delay = ceiling / 2 + (this.random() * ceiling) / 2;
    return new Promise((resolve) => setTimeout(resolve, delay));
  }
}

const causeOf = (error: unknown) => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause ? `: ${cause.code ?? cause.message}` : "";
};
