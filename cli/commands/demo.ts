import { Argument, type Command } from "commander";
import { isAlive } from "../emulator/processes.ts";
import {
  type DemoSite,
  defaultDemoDir,
  readDemoServiceState,
  runningSitePid,
  startDemoSite,
  stopDemoSite,
} from "../local-stack/demo-service/demo-service.ts";
import { demoSites, siteLabels } from "../local-stack/demo-service/site-server.ts";
import { log } from "../log.ts";

/**
 * `govdr demo …`: the demo government web service that `govdr up` runs (its primary and DR sites),
 * from another shell, through the PIDs under .govdr/demo-service. `kill <pid>` of a site works too.
 */
export function registerDemoCommands(program: Command): void {
  const demo = program
    .command("demo")
    .description("the demo government web service `govdr up` runs: stop or start its primary or DR site")
    .option("--dir <dir>", "the demo service's state directory", defaultDemoDir);
  const dirOf = (command: Command) => (command.optsWithGlobals() as { dir: string }).dir;
  const siteArgument = () => new Argument("<site>", "primary or dr").choices(demoSites);
  demo
    .command("stop-site")
    .description("end a site's process (e.g. the primary, to see the platform fail over)")
    .addArgument(siteArgument())
    .action(async (site: DemoSite, _options: unknown, command: Command) => {
      const { pid } = await stopDemoSite(dirOf(command), site, log);
      if (!pid) log(`the demo ${siteLabels[site].en} is not running`);
    });
  demo
    .command("start-site")
    .description("start a site again (nothing when it runs)")
    .addArgument(siteArgument())
    .action(async (site: DemoSite, _options: unknown, command: Command) => {
      const { pid, startedHere } = await startDemoSite(dirOf(command), site, log);
      if (!startedHere) log(`the demo ${siteLabels[site].en} already runs (pid ${pid})`);
    });
  demo
    .command("status")
    .description("show the router and both sites; exit code 0 when the service runs, 3 when not")
    .action(async (_options: unknown, command: Command) => {
      const dir = dirOf(command);
      const state = readDemoServiceState(dir);
      if (!state || !isAlive(state.ownerPid)) {
        process.stdout.write(`demo service: not running (${dir})\n`);
        process.exitCode = 3;
        return;
      }
      let routed = "not answering";
      try {
        const response = await fetch(`${state.routerUrl}/health`, { signal: AbortSignal.timeout(2000) });
        routed = `route names ${response.headers.get("x-govdr-site") ?? "?"}${response.ok ? "" : ` (HTTP ${response.status})`}`;
      } catch {}
      process.stdout.write(
        `demo service: ${state.routerUrl} (govdr pid ${state.ownerPid}; ${routed}; hooks ${state.hooksUrl})\n`,
      );
      for (const site of demoSites) {
        const url = `http://127.0.0.1:${state.ports[site]}`;
        const pid = runningSitePid(dir, site);
        let health = "stopped";
        if (pid) {
          try {
            const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
            const body = (await response.json()) as { status?: string; messages?: number };
            health = `${body.status ?? response.status}, ${body.messages ?? "?"} message(s)`;
          } catch {
            health = "not answering";
          }
        }
        process.stdout.write(`${site}: ${url} ${pid ? `pid ${pid}` : "no process"}, ${health}\n`);
      }
    });
}
