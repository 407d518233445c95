// `npm run build:agent [outdir]`: the single-file agents for linux-x64 and linux-arm64 (D-53), each
// with the xattr addon of its architecture; the other architecture's needs Debian's cross compiler,
// installed here when missing (D-58).
import path from "node:path";
import { buildSingleFileAgent, crossCompilers } from "../agent/single-file.ts";
import { ensureDebianPackages } from "./apt.ts";
import { projectRoot } from "./paths.ts";

const other = process.arch === "arm64" ? "x64" : "arm64";
try {
  await ensureDebianPackages([crossCompilers[other]], `the ${other} agent's xattr addon`);
} catch (error) {
  // The build goes on: that file then says it has no addon (agent/single-file.ts).
  process.stderr.write(`warning: ${(error as Error).message}\n`);
}
const outdir = path.resolve(process.argv[2] ?? path.join(projectRoot, "dist/agent"));
for (const agent of await buildSingleFileAgent(outdir)) {
  process.stdout.write(`${agent.file}  sha256 ${agent.sha256}\n`);
}
