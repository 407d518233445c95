#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx govdr` works right after `npm ci`.
import { register } from "tsx/esm/api";

// Node 20 is the project's runtime; the lockfile pins SDK versions that support it (docs/decisions.md).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
register();
const { main } = await import("../main.ts");
process.exitCode = await main(process.argv);
