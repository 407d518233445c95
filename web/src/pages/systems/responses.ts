import type { Finding } from "../../../../shared/classification/findings.ts";
import type { DrLevel } from "../../../../shared/classification/scales.ts";
import type { PolicyRecord } from "../../../../shared/systems/policy-record.ts";
import type { ProtectedSystem } from "../../../../shared/systems/system.ts";
import type { Page } from "../../api/client.ts";

/**
 * A protected system as the API shows it (shared/systems/system-service.ts describeSystem): the stored
 * system with the DR level proposed for its class and the assessment of its chosen level. This is the
 * `system` every tab of a system's page receives.
 */
export type SystemView = ProtectedSystem & { proposedDrLevel: DrLevel; drLevelFindings: Finding[] };

export type { PolicyRecord };

/** What the system page's shell gives each tab (web/src/pages/system-tabs.ts). */
export interface SystemTabProps {
  system: SystemView;
  /** Loads the system again (after a change that moves its version or policy version). */
  reload: () => void;
}

/** What the routes this page group calls answer (see web/src/api/responses.ts). */
export type SystemsResponses = {
  "GET /systems": Page<SystemView>;
  "POST /systems": SystemView;
  "GET /systems/{systemId}": SystemView;
  "PUT /systems/{systemId}": SystemView;
  "PUT /systems/{systemId}/policy": PolicyRecord;
  "GET /systems/{systemId}/policy": PolicyRecord;
  "GET /systems/{systemId}/policy/versions": Page<PolicyRecord>;
};
