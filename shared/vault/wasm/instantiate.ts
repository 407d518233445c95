/** The part of the WebAssembly API the vault uses (TypeScript's ES libs do not declare it). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** Whether this engine accepts the module (e.g. has the instructions it uses). */
export const validWasm = (base64: string): boolean => webAssembly.validate(Buffer.from(base64, "base64"));

/** An instance of a kernel from ./kernels.ts; kernels import nothing. */
export function instantiateWasm<Exports>(base64: string): Exports {
  const module = new webAssembly.Module(Buffer.from(base64, "base64"));
  return new webAssembly.Instance(module, {}).exports as Exports;
}
