import { readFileSync } from "node:fs";
import { isAlive } from "../../emulator/processes.ts";

/** Alive and not a zombie (a process that ended and was not reaped yet). */
export function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
