import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { CliError } from "../../agent/errors.ts";
import { stateDir, statePaths } from "../paths.ts";
import { run, tail } from "../run.ts";
import { ministack } from "./settings.ts";

const venvPython = path.join(statePaths.venv, "bin", "python");
export const ministackBinary = path.join(statePaths.venv, "bin", "ministack");

async function installedVersion(): Promise<string | undefined> {
  if (!existsSync(venvPython)) return undefined;
  const probe = await run(venvPython, [
    "-c",
    `import importlib.metadata as m; print(m.version("${ministack.package}"))`,
  ]);
  return probe.code === 0 ? probe.output.trim() : undefined;
}

/**
 * Installs the pinned ministack into the project's own virtualenv unless it is already there.
 * Idempotent; a different installed version is replaced by the pinned one.
 */
export async function ensureEmulatorInstalled(log: (line: string) => void): Promise<void> {
  if ((await installedVersion()) === ministack.version) return;
  mkdirSync(stateDir, { recursive: true });
  const python = await run("python3", ["--version"]);
  if (python.code !== 0) {
    throw new CliError(
      "Python 3 is required to run the local AWS emulator, and `python3` was not found.",
      "Install Python 3.10 or newer with venv and pip (Debian: apt-get install python3 python3-venv python3-pip).",
    );
  }
  if (!existsSync(venvPython)) {
    log(`creating virtualenv ${path.relative(process.cwd(), statePaths.venv)}`);
    const venv = await run("python3", ["-m", "venv", statePaths.venv]);
    if (venv.code !== 0) {
      throw new CliError(
        `Could not create a Python virtualenv:\n${tail(venv.output)}`,
        "Install the venv module (Debian: apt-get install python3-venv).",
      );
    }
  }
  log(`installing ${ministack.package}==${ministack.version} (pinned) from PyPI`);
  const pip = await run(venvPython, [
    "-m",
    "pip",
    "install",
    "--disable-pip-version-check",
    "--quiet",
    `${ministack.package}==${ministack.version}`,
  ]);
  if (pip.code !== 0) {
    throw new CliError(
      `pip could not install ${ministack.package}==${ministack.version}:\n${tail(pip.output)}`,
      "Check that PyPI is reachable and pip works (python3 -m pip --version).",
    );
  }
}
