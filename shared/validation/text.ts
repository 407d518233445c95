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
