export * from "./dr-levels.ts";
export * from "./findings.ts";
export * from "./importance-classes.ts";
export * from "./priority-schemes.ts";
export * from "./propose-level.ts";
export * from "./scales.ts";
export * from "./targets.ts";
