import { randomBytes } from "node:crypto";

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A random, URL-safe id like `t-4k2m9x0q7w1z`: 12 base-36 characters (~62 bits). */
export function newId(prefix: "t" | "u" | "s" | "p" | "ak" | "d" | "n" | "b" | "f"): string {
  const bytes = randomBytes(12);
  return `${prefix}-${[...bytes].map((b) => alphabet[b % 36]).join("")}`;
}
