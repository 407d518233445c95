import { writeFile } from "node:fs/promises";
import { sm4KernelModule, sm4KernelModuleText } from "./sm4-kernel.ts";

await writeFile(sm4KernelModule, await sm4KernelModuleText());
console.log(`wrote ${sm4KernelModule}`);
