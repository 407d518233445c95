import { type Locale, languageTags, useLocale } from "./locale.ts";

/** Dates in the browser's time zone, numbers, bytes and durations, in the console's language. */
export function formatterFor(locale: Locale) {
  const tag = languageTags[locale];
  // dateStyle/timeStyle cannot be combined with timeZoneName: the fields are named one by one.
  const dateTime = new Intl.DateTimeFormat(tag, {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
    timeZoneName: "short",
  });
  const date = new Intl.DateTimeFormat(tag, { dateStyle: "medium" });
  const number = new Intl.NumberFormat(tag);
  const valid = (value: string | number | Date | undefined) =>
    value !== undefined && value !== "" && !Number.isNaN(new Date(value).getTime());
  return {
    dateTime: (value: string | number | Date | undefined) =>
      valid(value) ? zoneLast(dateTime.formatToParts(new Date(value as string))) : "—",
    date: (value: string | number | Date | undefined) =>
      valid(value) ? date.format(new Date(value as string)) : "—",
    number: (value: number | undefined) => (value === undefined ? "—" : number.format(value)),
    bytes: (value: number | undefined) => (value === undefined ? "—" : formatBytes(value, tag)),
    duration: (seconds: number | undefined) =>
      seconds === undefined ? "—" : formatDuration(seconds, locale),
    percent: (ratio: number | undefined) =>
      ratio === undefined
        ? "—"
        : new Intl.NumberFormat(tag, { style: "percent", maximumFractionDigits: 1 }).format(ratio),
  };
}

/** Date and time, then the zone ("2026/12/07 10:59:01 UTC"), whatever order the language puts them in. */
function zoneLast(parts: Intl.DateTimeFormatPart[]): string {
  const zone = parts.find((part) => part.type === "timeZoneName")?.value;
  const rest = parts
    .filter((part) => part.type !== "timeZoneName")
    .map((part) => part.value)
    .join("")
    .replace(/\s+/g, " ")
    .trim();
  return zone ? `${rest} ${zone}` : rest;
}

export type Formatter = ReturnType<typeof formatterFor>;

export const useFormat = (): Formatter => formatterFor(useLocale());

const byteUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

export function formatBytes(bytes: number, tag: string): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < byteUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : value < 10 ? 2 : 1;
  return `${new Intl.NumberFormat(tag, { maximumFractionDigits: digits }).format(value)} ${byteUnits[unit]}`;
}

const durationUnits = {
  zh: { d: "天", h: "小时", m: "分", s: "秒" },
  en: { d: "d", h: "h", m: "min", s: "s" },
} as const;

/** 90061 → "1 天 1 小时 1 分" / "1 d 1 h 1 min"; under a minute, seconds. */
export function formatDuration(totalSeconds: number, locale: Locale): string {
  const units = durationUnits[locale];
  const s = Math.round(totalSeconds);
  if (s < 60) return `${s} ${units.s}`;
  const parts: string[] = [];
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days) parts.push(`${days} ${units.d}`);
  if (hours) parts.push(`${hours} ${units.h}`);
  if (minutes && !days) parts.push(`${minutes} ${units.m}`);
  return parts.join(" ");
}
