import { z } from "zod";
import { ValidationError } from "../errors.ts";

/** Lookup filters for the auditor API (issue #3 item 5); all optional except the time range. */
export const auditQuerySchema = z
  .object({
    from: z.iso.datetime().optional(),
    to: z.iso.datetime().optional(),
    eventName: z.string().max(100).optional(),
    userId: z.string().max(200).optional(),
    resourceId: z.string().max(512).optional(),
    readOnly: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional(),
    errorsOnly: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(4096).optional(),
  })
  .transform((q, ctx) => {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 86_400_000);
    if (from > to) ctx.addIssue({ code: "custom", path: ["from"], message: "from must not be after to" });
    if (to.getTime() - from.getTime() > maxRangeDays * 86_400_000) {
      ctx.addIssue({
        code: "custom",
        path: ["from"],
        message: `a lookup spans at most ${maxRangeDays} days`,
      });
    }
    return { ...q, from, to };
  });
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const maxRangeDays = 31;

/** The UTC days a time range touches, oldest first. */
export function daysBetween(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (
    let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    t <= to.getTime();
    t += 86_400_000
  ) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** Where a paginated lookup stopped: the day and DynamoDB's last key within it. */
export const auditCursorSchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  key: z.record(z.string(), z.unknown()).optional(),
});

export function parseAuditCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  try {
    return auditCursorSchema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new ValidationError("The cursor is not one this API returned", [
      { path: "cursor", message: "invalid cursor" },
    ]);
  }
}
