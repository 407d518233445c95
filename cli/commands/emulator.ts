import type { Command } from "commander";
import { emulatorStatus, startEmulator, stopEmulator } from "../emulator/emulator.ts";
import { log } from "../log.ts";

export function registerEmulatorCommands(program: Command): void {
  const emulator = program
    .command("emulator")
    .description("the local AWS emulator (ministack on 127.0.0.1:4566, or AWS_ENDPOINT_URL when set)");
  emulator
    .command("start")
    .description("install (if missing) and start the emulator; reuse it when it already runs")
    .option("--ephemeral", "keep no state across restarts")
    .action(async (options: { ephemeral?: boolean }) => {
      const handle = await startEmulator({ persistent: !options.ephemeral, log });
      process.stdout.write(`${handle.url}\n`);
    });
  emulator
    .command("stop")
    .description("stop the emulator govdr started, with its Lambda workers")
    .action(async () => {
      if (!(await stopEmulator(log))) log("no emulator started by govdr is running");
    });
  emulator
    .command("status")
    .description("say whether the emulator runs; exit code 0 when it is healthy, 3 when not")
    .action(async () => {
      const status = await emulatorStatus();
      process.stdout.write(`${status.url} ${status.detail}\n`);
      if (!status.running) process.exitCode = 3;
    });
}
