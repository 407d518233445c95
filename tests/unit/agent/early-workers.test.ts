import { cpus } from "node:os";
import { describe, expect, it } from "vitest";
import { workersFor } from "../../../agent/early-workers.ts";

const argv = (...args: string[]) => ["node", "govdr", ...args];
const cores = Math.max(1, cpus().length);

describe("workersFor: the vault workers a command starts before it is parsed", () => {
  it("one per core for backups and for restores into a directory", () => {
    expect(workersFor(argv("backup", "/srv/app", "--repo", "/backup/vault"))).toBe(cores);
    expect(workersFor(argv("restore", "latest", "--repo", "/v", "--target", "/restore"))).toBe(cores);
  });

  it("what --workers asks for, in either spelling", () => {
    expect(workersFor(argv("backup", "/srv", "--workers", "1"))).toBe(1);
    expect(workersFor(argv("restore", "latest", "--workers=3", "--target", "/r"))).toBe(3);
  });

  it("none for commands that start no workers, for help, and for a --workers the command will refuse", () => {
    for (const args of [
      ["snapshots", "--repo", "/v"],
      ["verify", "--read-data"],
      ["agent", "status"],
      ["agent", "run", "--config", "/etc/govdr/agents/s-1/agent.json"],
      ["restore", "latest", "--path", "app.sql", "--stdout"],
      ["backup", "--help"],
      ["backup", "/srv", "--workers", "0"],
      ["backup", "/srv", "--workers", "many"],
      ["backup", "/srv", "--workers"],
      [],
    ]) {
      expect(workersFor(argv(...args)), args.join(" ")).toBe(0);
    }
  });
});
