import type { Command } from "commander";
import { buildConsole } from "../console/build.ts";
import { startConsoleServer } from "../console/server.ts";
import { startEmulator, stopEmulator } from "../emulator/emulator.ts";
import { ensureDemoAgent } from "../local-stack/demo-agent.ts";
import { ensureDemoBackup } from "../local-stack/demo-backup.ts";
import { demoFailoverSystemName, startDemoFailover } from "../local-stack/demo-failover.ts";
import { deployLocalStack } from "../local-stack/deploy.ts";
import { seedDemo } from "../local-stack/seed-demo.ts";
import { log } from "../log.ts";

const defaultConsolePort = 4580;

export function registerUpCommand(program: Command): void {
  program
    .command("up")
    .description("run govdr locally: emulator, both regions' stacks, console; Ctrl-C stops what it started")
    .option("--console-port <port>", "console port on 127.0.0.1", String(defaultConsolePort))
    .action(async (options: { consolePort: string }) => {
      const emulator = await startEmulator({ persistent: true, log });
      const cleanups: (() => Promise<unknown>)[] = [];
      if (emulator.startedHere) cleanups.push(() => stopEmulator(log));
      const shutdown = async () => {
        for (const cleanup of cleanups.reverse()) await cleanup();
      };
      try {
        const stack = await deployLocalStack(emulator.url, log);
        log("building the console (web/)");
        await buildConsole();
        const consoleServer = await startConsoleServer({
          apiUrl: stack.apiUrl,
          port: Number(options.consolePort),
        }).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== "EADDRINUSE") throw error;
          log(`port ${options.consolePort} is busy; serving the console on a free port instead`);
          return startConsoleServer({ apiUrl: stack.apiUrl, port: 0 });
        });
        cleanups.push(() => consoleServer.close());
        const accounts = await seedDemo(stack);
        process.stdout.write(`API: ${stack.apiUrl}\n`);
        process.stdout.write(`Console: ${consoleServer.url}\n`);
        process.stdout.write(`Regions: ${stack.regions.primary} ${stack.regions.dr}\n`);
        for (const { userName, role, oneTimePassword } of accounts) {
          process.stdout.write(
            oneTimePassword
              ? `Sign in: ${userName} / ${oneTimePassword} (${role}; one-time password, you will be asked to change it)\n`
              : `Sign in: ${userName} (${role}) with the password you chose\n`,
          );
        }
        const agent = await ensureDemoAgent(stack, "demo.admin");
        if (agent) {
          process.stdout.write(
            `Agent: key for ${agent.systemName} (${agent.systemId}) in ${agent.file}; e.g. GOVDR_REPO_KEY=<secret> npx govdr backup <dir> --repo <vault dir> --api ${stack.apiUrl} --agent-key-file ${agent.file}\n`,
          );
          const snapshot = await ensureDemoBackup(stack, agent, log);
          if (snapshot) {
            process.stdout.write(
              `Drill: ${agent.systemName} has snapshot ${snapshot} in the vault and its DR copy; run a drill with POST ${stack.apiUrl}/systems/${agent.systemId}/drills (signed in as demo.admin), follow it with GET …/drills/{drillId}; GET …/systems/${agent.systemId}/replication shows its RPO\n`,
            );
          }
        }
        // The demo is a show-piece: a port another program holds must not stop the platform.
        const demo = await startDemoFailover(stack, "demo.admin", log).catch((error: Error) => {
          log(`the demo service did not start: ${error.message}`);
          return undefined;
        });
        if (demo) {
          cleanups.push(() => demo.service.stop());
          process.stdout.write(
            `Demo service: ${demo.service.url} (served by the site the platform's route names; primary pid ${demo.service.sites.primary.pid}, DR pid ${demo.service.sites.dr.pid})\n` +
              `Failover demo: kill the primary (npx govdr demo stop-site primary, or kill ${demo.service.sites.primary.pid}); within about 30 s the heartbeat breaches, the platform fails "${demoFailoverSystemName}" (${demo.systemId}) over and the page comes from the DR site. Follow it in the console (Failovers) or GET ${stack.apiUrl}/failovers; start the primary again (npx govdr demo start-site primary) and fail back with POST ${stack.apiUrl}/systems/${demo.systemId}/failbacks, then approve it\n`,
          );
        }
        log(`running; press Ctrl-C to stop${emulator.startedHere ? " (stops the emulator it started)" : ""}`);
      } catch (error) {
        await shutdown();
        throw error;
      }
      await new Promise<void>((resolve) => {
        const onSignal = () => resolve();
        process.once("SIGINT", onSignal);
        process.once("SIGTERM", onSignal);
      });
      log("stopping");
      await shutdown();
    });
}
