import { writeFile } from "node:fs/promises";
import { wasmKernelsModule, wasmKernelsModuleText } from "./wasm-kernels.ts";

await writeFile(wasmKernelsModule, await wasmKernelsModuleText());
console.log(`wrote ${wasmKernelsModule}`);
