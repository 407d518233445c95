import { execFileSync } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  readSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openListedFile } from "../../../shared/vault/workers/listed-file.ts";

describe("opening a file the backup's walk listed", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "govdr-listed-"));
  const at = (name: string) => path.join(dir, name);

  it("opens a regular file with its stats as read", () => {
    writeFileSync(at("plain"), "12345");
    const opened = openListedFile(at("plain"));
    expect(opened?.info.size).toBe(5n);
    closeSync(opened?.fd as number);
  });

  it.runIf(process.platform === "linux")("reads a file without changing its access time (O_NOATIME)", () => {
    writeFileSync(at("read-me"), "contents");
    // An access time before the modification time: reading would update it under relatime.
    const before = new Date(Date.now() - 86_400_000);
    utimesSync(at("read-me"), before, new Date());
    const opened = openListedFile(at("read-me"));
    readSync(opened?.fd as number, Buffer.alloc(16));
    closeSync(opened?.fd as number);
    expect(statSync(at("read-me")).atimeMs).toBeCloseTo(before.getTime(), 0);
  });

  it("treats a file that is gone, or replaced by a symlink, directory or FIFO, as vanished", () => {
    writeFileSync(at("target"), "secret");
    symlinkSync(at("target"), at("link"));
    mkdirSync(at("dir"));
    execFileSync("mkfifo", [at("fifo")]);
    writeFileSync(at("file-not-dir"), "");
    for (const name of ["missing", "link", "dir", "fifo", "file-not-dir/child"]) {
      expect(openListedFile(at(name)), name).toBeUndefined();
    }
  });
});
