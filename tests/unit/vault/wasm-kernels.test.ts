import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { wasmKernelsModule, wasmKernelsModuleText } from "../../../cli/wasm-kernels.ts";

describe("WebAssembly kernels", () => {
  it("ship as built from their AssemblyScript sources (npm run build:wasm leaves no difference)", async () => {
    expect(await wasmKernelsModuleText()).toBe(await readFile(wasmKernelsModule, "utf8"));
  }, 60_000);
});
