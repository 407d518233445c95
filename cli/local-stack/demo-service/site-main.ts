/**
 * One demo site as its own process (started by demo-service.ts, so killing the primary is real):
 *   node --import tsx cli/local-stack/demo-service/site-main.ts --site primary --port 8481 \
 *     --data-dir D --secret-file F --peer-url http://127.0.0.1:8482 [--owner-pid P]
 * With --owner-pid it ends itself when that process (`govdr up`) is gone, even when it was killed.
 */
import { parseArgs } from "node:util";
import { isRunning } from "./process-state.ts";
import { createSiteServer, type DemoSite, demoSites } from "./site-server.ts";

const { values } = parseArgs({
  options: {
    site: { type: "string" },
    port: { type: "string" },
    "data-dir": { type: "string" },
    "secret-file": { type: "string" },
    "peer-url": { type: "string" },
    "owner-pid": { type: "string" },
  },
  strict: true,
});

const site = values.site as DemoSite;
const port = Number(values.port);
if (
  !demoSites.includes(site) ||
  !Number.isInteger(port) ||
  port <= 0 ||
  !values["data-dir"] ||
  !values["secret-file"] ||
  !values["peer-url"]
) {
  process.stderr.write(
    "usage: site-main.ts --site primary|dr --port N --data-dir D --secret-file F --peer-url URL [--owner-pid P]\n",
  );
  process.exit(2);
}

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
const server = createSiteServer({
  site,
  dataDir: values["data-dir"],
  secretFile: values["secret-file"],
  peerUrl: values["peer-url"],
  log,
});
server.on("error", (error) => {
  log(`${site}: ${error.message}`);
  process.exit(1);
});
server.listen(port, "127.0.0.1", () =>
  log(`${site}: serving on http://127.0.0.1:${port} (pid ${process.pid})`),
);

const ownerPid = values["owner-pid"] ? Number(values["owner-pid"]) : undefined;
if (ownerPid) {
  setInterval(() => {
    if (!isRunning(ownerPid)) {
      log(`${site}: owner ${ownerPid} is gone; stopping`);
      process.exit(0);
    }
  }, 250).unref();
}
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.once(signal, () => {
    log(`${site}: ${signal}; stopping`);
    process.exit(0);
  });
}
