import type { AdminResponses } from "../pages/admin/responses.ts";
import type { AuthResponses } from "../pages/auth/responses.ts";
import type { DrResponses } from "../pages/dr/responses.ts";
import type { EvidenceResponses } from "../pages/evidence/responses.ts";
import type { FailoverResponses } from "../pages/failover/responses.ts";
import type { SystemsResponses } from "../pages/systems/responses.ts";

/**
 * What each route answers, keyed `METHOD /path`, as types from shared/ (type-only imports, erased from
 * the bundle). The OpenAPI document types requests; answers come from the same domain types the
 * handlers return. Each page group maps the routes it calls.
 */
export interface Responses
  extends AuthResponses,
    SystemsResponses,
    DrResponses,
    AdminResponses,
    EvidenceResponses,
    FailoverResponses {}
