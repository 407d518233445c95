import { z } from "zod";

/** Who acted. `tenantId` is "platform" for platform-scope actors (platform/security admins, scheduler). */
export const userIdentitySchema = z.object({
  type: z.enum(["GovdrUser", "Anonymous", "Service"]),
  principalId: z.string().min(1).max(200),
  tenantId: z.string().min(1).max(64),
  userName: z.string().max(200).optional(),
  role: z.string().max(64).optional(),
});

/**
 * One audit event in the CloudTrail event shape (DESIGN.md §Audit), so auditors and existing tools
 * read it like CloudTrail. `requestParameters` must already be redacted (see `redactSecrets`).
 */
export const auditEventSchema = z.object({
  eventVersion: z.literal("1.08"),
  eventID: z.uuid(),
  eventTime: z.iso.datetime(),
  eventSource: z.string().min(1).max(100),
  eventName: z.string().min(1).max(100),
  eventCategory: z.enum(["Management", "Data"]),
  awsRegion: z.string().min(1).max(32),
  sourceIPAddress: z.string().max(64),
  userAgent: z.string().max(512),
  userIdentity: userIdentitySchema,
  requestParameters: z.record(z.string(), z.unknown()).nullable(),
  responseElements: z.record(z.string(), z.unknown()).nullable(),
  errorCode: z.string().max(100).optional(),
  errorMessage: z.string().max(1000).optional(),
  requestID: z.string().max(128),
  readOnly: z.boolean(),
  resources: z.array(z.object({ type: z.string().max(100), id: z.string().max(512) })).max(50),
  /** Facts about the record: `illFormedTextReplaced` lists fields whose lone surrogates became U+FFFD. */
  additionalEventData: z.object({ illFormedTextReplaced: z.array(z.string().max(2048)).max(100) }).optional(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** An event as stored: placed in its tenant's hash chain. */
export const auditRecordSchema = z.object({
  tenantId: z.string().min(1).max(64),
  sequence: z.number().int().positive(),
  previousHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  event: auditEventSchema,
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;
