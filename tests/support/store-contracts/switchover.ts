import type { Switchover } from "../../../shared/failover/switchover.ts";
import { newId } from "../../../shared/stores/ids.ts";

/** A valid switchover of one system waiting at its approval gate, for store and access tests. */
export function switchoverRecord(
  tenantId: string,
  systemId: string,
  overrides: Partial<Switchover> = {},
): Switchover {
  const now = new Date().toISOString();
  return {
    tenantId,
    switchId: newId("f"),
    kind: "failover",
    trigger: "request",
    requestedBy: "u-000000000001",
    reason: "store test",
    status: "awaiting-approval",
    phase: "approval",
    declaredAt: now,
    startedAt: now,
    approval: { required: true, reason: "a person started it", timeoutMinutes: 60 },
    waves: [
      {
        index: 0,
        status: "pending",
        systems: [
          {
            systemId,
            name: "store test system",
            importanceClass: 3,
            recoveryPriority: 3,
            targets: {
              rtoSeconds: 14_400,
              rpoSeconds: 3_600,
              source: "class",
              importanceClass: 3,
              drLevel: 3,
            },
            from: "primary",
            to: "dr",
            status: "pending",
            steps: [],
          },
        ],
      },
    ],
    version: 1,
    ...overrides,
  };
}
