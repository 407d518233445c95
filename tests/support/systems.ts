import { type SystemInput, systemInputSchema } from "../../shared/systems/system.ts";

/** A valid protected system (class 3, DR level 3), with any field overridden. */
export const systemInput = (overrides: Partial<Record<keyof SystemInput, unknown>> = {}): SystemInput =>
  systemInputSchema.parse({
    name: "社保查询",
    importanceClass: 3,
    drLevel: 3,
    recoveryPriority: 3,
    architecture: "remote-active-standby",
    assessedOn: "2026-10-01",
    ...overrides,
  });
