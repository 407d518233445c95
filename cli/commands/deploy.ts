import type { Command } from "commander";
import { startEmulator } from "../emulator/emulator.ts";
import { deployLocalStack } from "../local-stack/deploy.ts";
import { log } from "../log.ts";

export function registerDeployCommand(program: Command): void {
  program
    .command("deploy")
    .description("deploy both regions' stacks into the running (or a newly started) local emulator")
    .action(async () => {
      const emulator = await startEmulator({ persistent: true, log });
      const stack = await deployLocalStack(emulator.url, log);
      process.stdout.write(`${JSON.stringify(stack, null, 2)}\n`);
    });
}
