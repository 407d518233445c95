import { pages as admin } from "./admin/index.ts";
import { pages as auth } from "./auth/index.ts";
import { pages as dr } from "./dr/index.ts";
import { pages as evidence } from "./evidence/index.ts";
import { pages as failover } from "./failover/index.ts";
import type { PageDef } from "./page.ts";
import { pages as systems } from "./systems/index.ts";

/** Every page of the console: each group declares its own, with who may open it. */
export const allPages: readonly PageDef[] = [...auth, ...evidence, ...systems, ...dr, ...failover, ...admin];
