import type { DrillRecord } from "./drill.ts";

/** What names a drill: its tenant, its system and its id. */
export type DrillKey = Pick<DrillRecord, "tenantId" | "systemId" | "drillId">;

/** Where a drill restores to in the DR region's sandbox bucket; cleanup removes everything under it. */
export const sandboxPrefix = (drill: DrillKey) =>
  `sandboxes/${drill.tenantId}/${drill.systemId}/${drill.drillId}/`;

/** The prefix of every sandbox, and what a sandbox's key says about its drill. */
export const sandboxesRoot = "sandboxes/";
export function drillOfSandboxKey(key: string): DrillKey | undefined {
  const match = /^sandboxes\/(t-[0-9a-z]{12})\/(s-[0-9a-z]{12})\/(d-[0-9a-z]{12})\//.exec(key);
  return match
    ? { tenantId: match[1] as string, systemId: match[2] as string, drillId: match[3] as string }
    : undefined;
}

/** The drill's report in the reports bucket, per tenant and system, written once under Object Lock. */
export const reportKeys = (drill: DrillKey) => {
  const base = `tenants/${drill.tenantId}/systems/${drill.systemId}/drills/${drill.drillId}/report`;
  return { json: `${base}.json`, html: `${base}.html` };
};
