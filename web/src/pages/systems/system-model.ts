import { drLevelSpec } from "../../../../shared/classification/dr-levels.ts";
import type { Finding } from "../../../../shared/classification/findings.ts";
import { importanceClassSpec } from "../../../../shared/classification/importance-classes.ts";
import type { DrLevel, ImportanceClass } from "../../../../shared/classification/scales.ts";
import { atMost, type Target } from "../../../../shared/classification/targets.ts";
import type { paths } from "../../api/generated/openapi.ts";
import type { Architecture } from "./labels.ts";

/**
 * The system forms' model (no JSX, no DOM): what the user types, kept as typed (text for numbers, so
 * nothing is lost or rewritten while typing), and the request body built from it. Unit-tested in
 * tests/unit/web/systems-model.test.ts.
 */

export type SystemBody = paths["/systems"]["post"]["requestBody"]["content"]["application/json"];

export type DurationUnit = "s" | "min" | "h" | "d";
export const durationUnitSeconds: Record<DurationUnit, number> = { s: 1, min: 60, h: 3600, d: 86_400 };

export interface DurationDraft {
  value: string;
  unit: DurationUnit;
}

export interface SystemDraft {
  name: string;
  description: string;
  architecture: Architecture;
  assessedOn: string;
  healthEndpoint: string;
  dependsOn: string[];
  importanceClass: number;
  drLevel: number;
  /** The user chose the level: it no longer follows the class's proposal. */
  drLevelChosen: boolean;
  recoveryPriority: number;
  /** The user chose the priority: it no longer follows the class. */
  priorityChosen: boolean;
  override: boolean;
  overrideRto: DurationDraft;
  overrideRpo: DurationDraft;
  agreement: {
    provider: string;
    tenant: string;
    managementUnit: string;
    agreedOn: string;
    reference: string;
  };
}

/** Class N and DR level 6−N carry the same targets (R-CL-05): the level the API proposes. */
export const proposedLevelOf = (importanceClass: number) => 6 - importanceClass;
/** The recovery priority the console suggests for a class (5 = highest for class 1); the user may change it. */
export const suggestedPriorityOf = (importanceClass: number) => 6 - importanceClass;

/** Today as YYYY-MM-DD in the browser's time zone. */
export function today(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function emptySystemDraft(on: string): SystemDraft {
  return {
    name: "",
    description: "",
    architecture: "remote-active-standby",
    assessedOn: on,
    healthEndpoint: "",
    dependsOn: [],
    importanceClass: 3,
    drLevel: proposedLevelOf(3),
    drLevelChosen: false,
    recoveryPriority: suggestedPriorityOf(3),
    priorityChosen: false,
    override: false,
    overrideRto: { value: "", unit: "h" },
    overrideRpo: { value: "", unit: "min" },
    agreement: { provider: "", tenant: "", managementUnit: "", agreedOn: on, reference: "" },
  };
}

/** A new class: the level and priority follow it unless the user chose them. */
export function withClass(draft: SystemDraft, importanceClass: number): SystemDraft {
  return {
    ...draft,
    importanceClass,
    drLevel: draft.drLevelChosen ? draft.drLevel : proposedLevelOf(importanceClass),
    recoveryPriority: draft.priorityChosen ? draft.recoveryPriority : suggestedPriorityOf(importanceClass),
  };
}

/** Seconds as the largest unit that divides them (5400 → 90 min). */
export function durationDraftOf(seconds: number | undefined, fallback: DurationUnit): DurationDraft {
  if (seconds === undefined) return { value: "", unit: fallback };
  const unit = (["d", "h", "min", "s"] as const).find(
    (u) => seconds % durationUnitSeconds[u] === 0 && seconds > 0,
  );
  return unit
    ? { value: String(seconds / durationUnitSeconds[unit]), unit }
    : { value: String(seconds), unit: "s" };
}

/** The seconds a duration draft says; blank is undefined, anything not a number is NaN (the API names it). */
export function secondsOf(draft: DurationDraft): number | undefined {
  if (draft.value.trim() === "") return undefined;
  const value = Number(draft.value);
  return Number.isFinite(value) ? Math.round(value * durationUnitSeconds[draft.unit]) : Number.NaN;
}

/** Text typed into a number field as the number the API expects (NaN when it is none: the API says so). */
export const numberOf = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

export function draftToSystemBody(draft: SystemDraft): SystemBody {
  const body: SystemBody = {
    name: draft.name.trim(),
    description: draft.description.trim(),
    architecture: draft.architecture,
    assessedOn: draft.assessedOn,
    dependsOn: draft.dependsOn,
    importanceClass: draft.importanceClass,
    drLevel: draft.drLevel,
    recoveryPriority: draft.recoveryPriority,
  };
  if (draft.healthEndpoint.trim() !== "") body.healthEndpoint = draft.healthEndpoint.trim();
  if (draft.override) {
    const rtoSeconds = secondsOf(draft.overrideRto);
    const rpoSeconds = secondsOf(draft.overrideRpo);
    body.targetOverride = {
      ...(rtoSeconds === undefined ? {} : { rtoSeconds }),
      ...(rpoSeconds === undefined ? {} : { rpoSeconds }),
      agreement: {
        provider: draft.agreement.provider.trim(),
        tenant: draft.agreement.tenant.trim(),
        managementUnit: draft.agreement.managementUnit.trim(),
        agreedOn: draft.agreement.agreedOn,
        reference: draft.agreement.reference.trim(),
      },
    };
  }
  return body;
}

/** The stored system as the edit form starts from it. */
export function systemToDraft(system: SystemBody & { dependsOn?: string[] }, on: string): SystemDraft {
  const override = system.targetOverride;
  return {
    name: system.name,
    description: system.description ?? "",
    architecture: system.architecture,
    assessedOn: system.assessedOn,
    healthEndpoint: system.healthEndpoint ?? "",
    dependsOn: [...(system.dependsOn ?? [])],
    importanceClass: system.importanceClass,
    drLevel: system.drLevel,
    drLevelChosen: true,
    recoveryPriority: system.recoveryPriority,
    priorityChosen: true,
    override: override !== undefined,
    overrideRto: durationDraftOf(override?.rtoSeconds, "h"),
    overrideRpo: durationDraftOf(override?.rpoSeconds, "min"),
    agreement: override
      ? { ...override.agreement }
      : { provider: "", tenant: "", managementUnit: "", agreedOn: on, reference: "" },
  };
}

/** Which wizard step holds the field a validation error names (1 the system, 2 its classification). */
export function wizardStepOf(path: string): 1 | 2 {
  return /^(importanceClass|drLevel|recoveryPriority|targetOverride)(\.|$)/.test(path) ? 2 : 1;
}

// ── Targets ──

export interface SystemTargets {
  /** App. A.2: what the class requires by default. */
  classDefault: { rto: Target; rpo: Target };
  /** App. B: what the chosen DR level guarantees. */
  level: { rto: Target; rpo: Target };
  /** The targets the policy must meet: the agreed override (R-CL-06), else the class defaults. */
  required: { rto: Target; rpo: Target; source: "agreement" | "class" };
}

/**
 * A system's targets, computed as the API does (shared/policies/validate-policy.ts requiredTargets,
 * which the console cannot import: its module pulls in server-side code). The unit test holds the two
 * to the same answers.
 */
export function systemTargets(system: {
  importanceClass: number;
  drLevel: number;
  targetOverride?: { rtoSeconds?: number; rpoSeconds?: number } | undefined;
}): SystemTargets {
  const cls = importanceClassSpec(system.importanceClass as ImportanceClass);
  const level = drLevelSpec(system.drLevel as DrLevel);
  const override = system.targetOverride;
  return {
    classDefault: { rto: cls.rto, rpo: cls.rpo },
    level: { rto: level.rto, rpo: level.rpo },
    required: {
      rto: override?.rtoSeconds !== undefined ? atMost(override.rtoSeconds) : cls.rto,
      rpo: override?.rpoSeconds !== undefined ? atMost(override.rpoSeconds) : cls.rpo,
      source: override ? "agreement" : "class",
    },
  };
}

// ── Compliance ──

export interface FindingCounts {
  error: number;
  warning: number;
  info: number;
}

export function countFindings(findings: readonly Pick<Finding, "severity">[]): FindingCounts {
  const counts: FindingCounts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/** Compliant: nothing that is an error or a warning (a note that the level exceeds the class is fine). */
export const isCompliant = (counts: FindingCounts) => counts.error === 0 && counts.warning === 0;

/** The date the yearly re-assessment is due (R-CL-11: one year after the last grading). */
export function reassessmentDue(assessedOn: string): string {
  const [year, month, day] = assessedOn.split("-").map(Number);
  if (!year || !month || !day) return assessedOn;
  const due = new Date(Date.UTC(year + 1, month - 1, day));
  return due.toISOString().slice(0, 10);
}
