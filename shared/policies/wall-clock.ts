/** The offset of `timezone` from UTC at `now`, in minutes (Asia/Shanghai: 480). */
export function utcOffsetMinutes(timezone: string, now = new Date()): number {
  const wall = new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(now);
  const part = (type: string) => Number(wall.find((p) => p.type === type)?.value);
  const zoned = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"));
  return Math.round((zoned - Math.floor(now.getTime() / 60_000) * 60_000) / 60_000);
}

/** The time of day `at` in `timezone`, as HH:MM. */
export function clockTimeIn(at: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    hourCycle: "h23",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return `${part("hour")}:${part("minute")}`;
}
