import type { Route53Client } from "@aws-sdk/client-route-53";
import type { FailoverPolicy } from "../policies/policy-schema.ts";
import { recordAdapter } from "./record-adapter.ts";
import type { RouteAdapter } from "./route.ts";
import { Route53Adapter } from "./route53-adapter.ts";
import { WebhookAdapter } from "./webhook-adapter.ts";
import type { WebhookSecrets } from "./webhook-secrets.ts";

/** The route switch adapter the system's failover policy names. */
export function routeAdapterFor(
  policy: FailoverPolicy,
  deps: { route53: Route53Client; secrets: WebhookSecrets; allowLoopback: boolean; fetch?: typeof fetch },
): RouteAdapter {
  switch (policy.adapter) {
    case "route53":
      return new Route53Adapter(deps.route53);
    case "webhook":
      return new WebhookAdapter({
        secrets: deps.secrets,
        allowLoopback: deps.allowLoopback,
        fetch: deps.fetch,
      });
    case "record":
      return recordAdapter();
  }
}
