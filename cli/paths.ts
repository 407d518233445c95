import path from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Working state (virtualenv, emulator pid and logs, deploy outputs): `.govdr/` in the project,
 * git-ignored, or GOVDR_STATE_DIR.
 */
export const stateDir = path.resolve(process.env.GOVDR_STATE_DIR || path.join(projectRoot, ".govdr"));

export const statePaths = {
  venv: path.join(stateDir, "venv"),
  deployLog: path.join(stateDir, "deploy.log"),
  outputs: path.join(stateDir, "outputs.json"),
  localStack: path.join(stateDir, "local-stack.json"),
  reports: path.join(stateDir, "reports"),
  /** The local demo unit's backup-agent credential (cli/local-stack/demo-agent.ts). */
  demoAgentKey: path.join(stateDir, "demo-agent.key"),
};

/** Per-port files, so a second emulator (e.g. in a lifecycle test) never touches the first one's. */
export function emulatorPaths(port: number) {
  return {
    state: path.join(stateDir, `emulator-${port}.json`),
    log: path.join(stateDir, `emulator-${port}.log`),
    data: path.join(stateDir, `emulator-data-${port}`),
  };
}
