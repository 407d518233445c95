import type { ArchiveVerifyResult } from "../../../../shared/audit/archive.ts";
import type { AuditEntry } from "../../../../shared/audit/audit-log.ts";
import type { ChainProblem } from "../../../../shared/audit/chain.ts";
import type { TrailVerifyResult } from "../../../../shared/audit/verify-trail.ts";
import type { Tenant } from "../../../../shared/tenants/tenant.ts";
import type { Page } from "../../api/client.ts";

export type { AuditEntry, ChainProblem, Tenant };

/** What `GET /audit/verify` answers (functions/api/audit.ts): the trail, the source, and its check. */
export type VerifyAnswer =
  | ({ tenantId: string; source: "index" } & TrailVerifyResult)
  | ({ tenantId: string; source: "archive" } & ArchiveVerifyResult);

/**
 * What the routes this page group calls answer (see web/src/api/responses.ts). `GET /audit/verify`
 * answers `VerifyAnswer`; it is not mapped here because another group's map declares the same route
 * differently (an interface cannot extend both): the audit page reads the answer as `VerifyAnswer`.
 */
export type EvidenceResponses = {
  "GET /audit/events": Page<AuditEntry>;
  "GET /tenants": Page<Tenant>;
};
