import { existsSync } from "node:fs";
import { CliError } from "../agent/errors.ts";
import { log } from "./log.ts";
import { run, tail } from "./run.ts";

export interface DebianPackage {
  name: string;
  /** A file the package installs: present means installed. */
  file: string;
}

/** Installs missing Debian packages with apt-get (root only), idempotently; `purpose` says why. */
export async function ensureDebianPackages(packages: DebianPackage[], purpose: string): Promise<void> {
  const missing = packages.filter((p) => !existsSync(p.file));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.name);
  if (process.getuid?.() !== 0) {
    throw new CliError(
      `${names.join(" and ")} are needed for ${purpose}.`,
      `apt-get install ${names.join(" ")}`,
    );
  }
  log(`installing Debian's ${names.join(" and ")} for ${purpose}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  // Test files run side by side and may each need a package: the later apt-get waits for the lock.
  const waitForLock = ["-o", "DPkg::Lock::Timeout=600"];
  const update = await run("apt-get", [...waitForLock, "update", "-qq"], { env });
  const install =
    update.code === 0
      ? await run("apt-get", [...waitForLock, "install", "-y", "-qq", ...names], { env })
      : update;
  if (install.code !== 0 || missing.some((p) => !existsSync(p.file))) {
    throw new CliError(`apt-get could not install ${names.join(" ")}:\n${tail(install.output)}`);
  }
}
