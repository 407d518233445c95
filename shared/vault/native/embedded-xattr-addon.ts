import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { XattrAddonLocation } from "./xattr-addon.ts";

/**
 * The single-file agent's xattr addon (a SEA asset, `read` gives its bytes) written to a private
 * temporary directory, since dlopen loads only files; removed when the process exits. Why not,
 * when the agent carries none for this architecture or the file cannot be written.
 */
export const extractXattrAddon = (read: () => ArrayBuffer) => (): XattrAddonLocation => {
  let bytes: ArrayBuffer;
  try {
    bytes = read();
  } catch {
    return { unavailable: `this agent carries no xattr addon for linux-${process.arch}` };
  }
  try {
    // mkdtemp makes it 0700: no other user can put another file in its place.
    const dir = mkdtempSync(path.join(tmpdir(), "govdr-xattr-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, "xattr.node");
    writeFileSync(file, Buffer.from(bytes), { mode: 0o700 });
    return { file };
  } catch (error) {
    return { unavailable: `the xattr addon cannot be written to ${tmpdir()} (${(error as Error).message})` };
  }
};
