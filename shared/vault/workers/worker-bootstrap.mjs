// Starts the vault worker from TypeScript source (development, tests): tsx compiles it on the fly.
// Bundled agents start workers from their own bundle instead (see pool.ts).
import { tsImport } from "tsx/esm/api";

await tsImport("./worker-entry.ts", import.meta.url);
