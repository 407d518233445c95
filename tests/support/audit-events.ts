import { randomUUID } from "node:crypto";
import { type AuditEvent, auditEventSchema } from "../../shared/audit/event-schema.ts";

/** A valid audit event for tests; each test overrides what it is about. */
export const auditEvent = (eventName: string, overrides: Partial<AuditEvent> = {}): AuditEvent =>
  auditEventSchema.parse({
    eventVersion: "1.08",
    eventID: randomUUID(),
    eventTime: "2026-11-21T06:00:00.000Z",
    eventSource: "govdr.api",
    eventName,
    eventCategory: "Management",
    awsRegion: "cn-north-1",
    sourceIPAddress: "10.1.2.3",
    userAgent: "govdr-console/0.1",
    userIdentity: {
      type: "GovdrUser",
      principalId: "u-1",
      tenantId: "t-1",
      userName: "alice",
      role: "tenant-admin",
    },
    requestParameters: { systemId: "s-1" },
    responseElements: null,
    requestID: randomUUID(),
    readOnly: false,
    resources: [{ type: "govdr::system", id: "s-1" }],
    ...overrides,
  });
