import { z } from "zod";

/** Control characters and bidirectional overrides: invisible, and used to spoof what people read. */
const unsafeCharacters = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

/** Human-readable text (names, descriptions): trimmed, bounded, free of control and bidi characters. */
export const safeText = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine(
      (s) => !unsafeCharacters.test(s),
      "must not contain control or bidirectional-override characters",
    );

/** A UTF-16 surrogate without its other half: JSON can carry one, UTF-8 (and so DynamoDB) cannot. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const loneSurrogates = new RegExp(loneSurrogate.source, "g");

export const isWellFormed = (text: string) => !loneSurrogate.test(text);

/** The text with each lone surrogate replaced by U+FFFD, as a UTF-8 encoder would. */
export const toWellFormed = (text: string) => text.replace(loneSurrogates, "\uFFFD");

/** Paths (`a.b.0`) of the strings and keys in `value` that are not well-formed Unicode text. */
export function illFormedTextPaths(value: unknown, path: string[] = [], depth = 0): string[] {
  if (typeof value === "string") return isWellFormed(value) ? [] : [path.join(".")];
  if (value === null || typeof value !== "object" || depth > 32) return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return entries.flatMap(([key, child]) => {
    const here = [...path, toWellFormed(key)];
    return [...(isWellFormed(key) ? [] : [here.join(".")]), ...illFormedTextPaths(child, here, depth + 1)];
  });
}
