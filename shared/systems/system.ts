import { z } from "zod";
import { ConflictError } from "../errors.ts";
import { safeText } from "../validation/text.ts";
import { systemClassificationSchema } from "./targets-schema.ts";

export const systemIdSchema = z.string().regex(/^s-[0-9a-z]{12}$/, "a system id such as s-4k2m9x0q7w1z");
/** The path parameters of a route under /systems/{systemId}. */
export const systemPathSchema = z.object({ systemId: systemIdSchema });

/** What a tenant-admin sends to create or replace a protected system. */
export const systemInputSchema = systemClassificationSchema.extend({
  description: safeText(0, 500).default(""),
  /** Systems this one depends on (recovered before it, R-CL-12); must not form a cycle. */
  dependsOn: z.array(systemIdSchema).max(50).default([]),
  healthEndpoint: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  /** 000 §4.2: when the system was last graded, for the yearly re-assessment (R-CL-11). */
  assessedOn: z.iso.date(),
});
export type SystemInput = z.infer<typeof systemInputSchema>;

export const systemSchema = systemInputSchema.extend({
  systemId: systemIdSchema,
  tenantId: z.string().min(1),
  /** Version of the DR policy in force, 0 while none is set. */
  policyVersion: z.number().int().min(0),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int().min(1),
});
export type ProtectedSystem = z.infer<typeof systemSchema>;

/**
 * The first dependency cycle the graph would contain, as the list of system ids around it, or
 * undefined. `edges` maps each system to the systems it depends on.
 */
export function dependencyCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "visiting") return [...path.slice(path.indexOf(node)), node];
    state.set(node, "visiting");
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Creating one more system would pass the unit's quota. */
export const systemQuotaExceeded = (limit: number) =>
  new ConflictError(`The unit's quota of ${limit} protected systems is used up`, "QUOTA_EXCEEDED");
