// Entry point of the bundled agent (see tests/bench/vault/build-agent.ts).
import { agentMain } from "../agent.ts";

process.exitCode = await agentMain(process.argv);
