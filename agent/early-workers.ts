import { workersPerCore } from "../shared/vault/workers/pool.ts";

/**
 * How many vault worker threads the command in `argv` will start, as far as that can be told before
 * commander parses it: `backup` and a restore into a directory use one per core or `--workers`;
 * everything else none. A value `--workers` refuses starts none (the command fails). `agent run` is
 * left out: its count is in the installation's agent.json, and its sign-in takes longer than a boot.
 */
export function workersFor(argv: readonly string[]): number {
  const args = argv.slice(2);
  const command = args[0];
  const startsWorkers = command === "backup" || (command === "restore" && !args.includes("--stdout"));
  if (!startsWorkers || args.includes("--help") || args.includes("-h")) return 0;
  const at = args.findIndex((arg) => arg === "--workers" || arg.startsWith("--workers="));
  if (at < 0) return workersPerCore();
  const flag = args[at] as string;
  const value = flag.includes("=") ? flag.slice(flag.indexOf("=") + 1) : args[at + 1];
  return value !== undefined && /^\d{1,3}$/.test(value) && Number(value) >= 1 ? Number(value) : 0;
}
