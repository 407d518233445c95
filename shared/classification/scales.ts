import { z } from "zod";

/*
 * Three 1–5 scales whose numbering runs in opposite directions (requirements §3 item 4):
 * importance class 1 is the MOST critical, DR level 5 and recovery priority 5 are the HIGHEST.
 * Branded types keep one from being passed where another is meant.
 */
const oneToFive = (what: string) =>
  z
    .number({ error: `${what} must be a whole number from 1 to 5` })
    .int(`${what} must be a whole number from 1 to 5`)
    .min(1, `${what} must be from 1 to 5`)
    .max(5, `${what} must be from 1 to 5`);

/** Importance class (000 App. A): 1 = critical … 5 = secondary. */
export const importanceClassSchema = oneToFive("importance class").brand<"ImportanceClass">();
export type ImportanceClass = z.infer<typeof importanceClassSchema>;

/** E-government DR capability level (000 App. B): 1 = lowest … 5 = highest. */
export const drLevelSchema = oneToFive("DR level").brand<"DrLevel">();
export type DrLevel = z.infer<typeof drLevelSchema>;

/** Recovery priority (000 §6 Table 1): 1 = lowest … 5 = highest. */
export const recoveryPrioritySchema = oneToFive("recovery priority").brand<"RecoveryPriority">();
export type RecoveryPriority = z.infer<typeof recoveryPrioritySchema>;

export const importanceClass = (n: number) => importanceClassSchema.parse(n);
export const drLevel = (n: number) => drLevelSchema.parse(n);
export const recoveryPriority = (n: number) => recoveryPrioritySchema.parse(n);
