import { randomUUID } from "node:crypto";
import type { SessionClaims } from "../identity/session-token.ts";
import { illFormedTextPaths, toWellFormed } from "../validation/text.ts";
import { auditSafe } from "./audit-safe.ts";
import type { AuditEvent } from "./event-schema.ts";
import { redactSecrets } from "./redact.ts";

/** Platform-scope events (anonymous callers, platform staff) are chained under this tenant id. */
export const platformTenant = "platform";

/** The facts of one request that an audit event records, from whichever API Gateway event carried them. */
export interface RequestFacts {
  requestId: string;
  sourceIp?: string;
  userAgent?: string;
  parameters: Record<string, unknown>;
}

/** The request facts API Gateway gives both proxy and authorizer events. */
export function requestFacts(
  context: { requestId: string; identity?: { sourceIp?: string; userAgent?: string | null } | null },
  parameters: Record<string, unknown>,
): RequestFacts {
  return {
    requestId: context.requestId,
    sourceIp: context.identity?.sourceIp,
    userAgent: context.identity?.userAgent ?? undefined,
    parameters,
  };
}

export interface ApiAuditInput {
  request: RequestFacts;
  eventSource: string;
  eventName: string;
  readOnly: boolean;
  region: string;
  claims?: SessionClaims;
  responseElements?: Record<string, unknown> | null;
  error?: { code: string; message: string };
  resources?: { type: string; id: string }[];
  now: Date;
}

/** The CloudTrail-shaped record of one API call or authorizer decision, secrets redacted (DESIGN.md §Audit). */
export function apiAuditEvent(input: ApiAuditInput): AuditEvent {
  const { request, claims } = input;
  const redacted = redactSecrets(request.parameters);
  const parameters = auditSafe(redacted) as Record<string, unknown>;
  const illFormed = illFormedTextPaths(redacted, ["requestParameters"]).slice(0, 100);
  return {
    eventVersion: "1.08",
    eventID: randomUUID(),
    eventTime: input.now.toISOString(),
    eventSource: input.eventSource,
    eventName: input.eventName,
    eventCategory: "Management",
    awsRegion: input.region,
    sourceIPAddress: request.sourceIp ?? "unknown",
    userAgent: toWellFormed((request.userAgent ?? "").slice(0, 512)),
    userIdentity: claims
      ? { type: "GovdrUser", principalId: claims.sub, tenantId: claims.tid, role: claims.roles.join(",") }
      : { type: "Anonymous", principalId: "anonymous", tenantId: platformTenant },
    requestParameters: Object.keys(parameters).length > 0 ? parameters : null,
    responseElements: input.responseElements
      ? (auditSafe(redactSecrets(input.responseElements)) as Record<string, unknown>)
      : null,
    ...(input.error
      ? { errorCode: input.error.code, errorMessage: toWellFormed(input.error.message.slice(0, 1000)) }
      : {}),
    requestID: request.requestId,
    readOnly: input.readOnly,
    resources: input.resources ?? [],
    // CloudTrail's place for facts about the record itself: which text was not storable as sent.
    ...(illFormed.length > 0 ? { additionalEventData: { illFormedTextReplaced: illFormed } } : {}),
  };
}
