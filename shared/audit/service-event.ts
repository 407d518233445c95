import { randomUUID } from "node:crypto";
import type { AuditEvent } from "./event-schema.ts";

/**
 * An audit event of something the platform did itself (a drill step, a schedule, a monitor, the
 * shredder): the acting service is the principal, the tenant is whose trail it goes into.
 */
export function serviceAuditEvent(event: {
  /** e.g. `govdr-drill`: the principal and the user agent. */
  service: string;
  tenantId: string;
  eventSource: string;
  eventName: string;
  at: Date;
  region: string;
  requestParameters: Record<string, unknown>;
  responseElements?: Record<string, unknown> | null;
  error?: { code: string; message: string };
  resources: { type: string; id: string }[];
}): AuditEvent {
  return {
    eventVersion: "1.08",
    eventID: randomUUID(),
    eventTime: event.at.toISOString(),
    eventSource: event.eventSource,
    eventName: event.eventName,
    eventCategory: "Management",
    awsRegion: event.region,
    sourceIPAddress: "govdr.internal",
    userAgent: event.service,
    userIdentity: { type: "Service", principalId: event.service, tenantId: event.tenantId },
    requestParameters: event.requestParameters,
    responseElements: event.responseElements ?? null,
    ...(event.error ? { errorCode: event.error.code, errorMessage: event.error.message.slice(0, 1000) } : {}),
    requestID: randomUUID(),
    readOnly: false,
    resources: event.resources,
  };
}
