import { createHash } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { errorClass } from "../../errors.ts";
import { instantiateWasm, validWasm } from "../wasm/instantiate.ts";
import { sm4CtrRelaxedSimd, sm4CtrSimd } from "../wasm/kernels.ts";
import { sm4Sbox } from "./sbox.ts";
import { vpermTables } from "./vperm-tables.ts";

/**
 * SM4-CTR (GB/T 32907) with the same output as OpenSSL's `sm4-ctr`: a 128-bit big-endian counter
 * starting at the IV. OpenSSL has no fast SM4 for x86, which has no SM4 instructions; this runs a
 * WebAssembly SIMD kernel built from ../wasm/assembly/sm4-ctr.ts by `npm run build:wasm`, about twice
 * as fast.
 */
export interface Sm4Key {
  /** The round keys as the kernel wants them: adjusted for its S-box, each repeated in four lanes. */
  readonly lanes: Uint32Array;
}

/** The kernel's output did not match the SM4 known answer at load: it is not used. */
export class Sm4SelfTestError extends errorClass("SM4_SELF_TEST_FAILED") {}

interface KernelExports {
  memory: { buffer: ArrayBuffer };
  tablesAddress(): number;
  roundKeysAddress(): number;
  dataAddress(): number;
  dataCapacity(): number;
  ctrXor(length: number, c0: number, c1: number, c2: number, c3: number): void;
}

interface Kernel {
  exports: KernelExports;
  data: Uint8Array;
  roundKeys: Uint32Array;
  /** The key whose round keys are in the kernel's memory. */
  loadedKey: Sm4Key | undefined;
}

export type Sm4KernelBuild = "relaxed-simd" | "simd";
const builds: Record<Sm4KernelBuild, string> = {
  "relaxed-simd": sm4CtrRelaxedSimd,
  simd: sm4CtrSimd,
};

let kernel: Kernel | undefined;

/**
 * Loads the first of `candidates` this engine runs that reproduces the standard's known answer, and
 * returns its name. By default the relaxed-SIMD build (one instruction per table lookup instead of
 * two; Node 22 has it, Node 20 behind a V8 flag that is turned on here: the flag only enables these
 * instructions), then the standard SIMD build.
 */
export function loadSm4Kernel(candidates: Sm4KernelBuild[] = ["relaxed-simd", "simd"]): Sm4KernelBuild {
  kernel = undefined;
  for (const build of candidates) {
    if (build === "relaxed-simd" && !validWasm(builds[build])) {
      setFlagsFromString("--experimental-wasm-relaxed-simd");
    }
    if (!validWasm(builds[build])) continue;
    kernel = instantiate(builds[build]);
    if (passesSelfTest()) return build;
  }
  kernel = undefined;
  throw new Sm4SelfTestError("no SM4 kernel build reproduces the known answer on this platform");
}

function loadedKernel(): Kernel {
  if (!kernel) loadSm4Kernel();
  return kernel as Kernel;
}

function instantiate(build: string): Kernel {
  const exports = instantiateWasm<KernelExports>(build);
  const memory = exports.memory.buffer;
  const tables = vpermTables();
  const slots = new Uint8Array(memory, exports.tablesAddress(), 6 * 16);
  const ordered = [
    tables.inputLow,
    tables.inputHigh,
    tables.aOver,
    tables.inverse,
    tables.outputIo,
    tables.outputJo,
  ];
  for (const [slot, table] of ordered.entries()) slots.set(table, slot * 16);
  return {
    exports,
    data: new Uint8Array(memory, exports.dataAddress(), exports.dataCapacity()),
    roundKeys: new Uint32Array(memory, exports.roundKeysAddress(), 32 * 4),
    loadedKey: undefined,
  };
}

/**
 * GB/T 32907 Appendix A: key = plaintext = 0123456789abcdeffedcba9876543210 encrypts to
 * 681edf34d206965e86b3e94f536e4246, the first keystream block from that IV. The SHA-256 of the first
 * 300 keystream bytes (every lane, both block groups and a partial tail) is OpenSSL's.
 */
const knownAnswer = {
  keyAndIv: Buffer.from("0123456789abcdeffedcba9876543210", "hex"),
  firstBlock: "681edf34d206965e86b3e94f536e4246",
  keystreamSha256: "140452300967fbf6b06c22785070b6a81b128f2c3ff9a968285ce8a0bec08e1d",
};

function passesSelfTest(): boolean {
  const key = sm4Key(knownAnswer.keyAndIv);
  const keystream = sm4Ctr(key, knownAnswer.keyAndIv, new Uint8Array(300));
  return (
    keystream.subarray(0, 16).toString("hex") === knownAnswer.firstBlock &&
    createHash("sha256").update(keystream).digest("hex") === knownAnswer.keystreamSha256
  );
}

const systemParameter = [0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc];
const rotl = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) >>> 0;
const linear = (b: number) => (b ^ rotl(b, 2) ^ rotl(b, 10) ^ rotl(b, 18) ^ rotl(b, 24)) >>> 0;
const substituteWord = (x: number, sbox: Uint8Array) =>
  (((sbox[x >>> 24] ?? 0) << 24) |
    ((sbox[(x >>> 16) & 0xff] ?? 0) << 16) |
    ((sbox[(x >>> 8) & 0xff] ?? 0) << 8) |
    (sbox[x & 0xff] ?? 0)) >>>
  0;

/** The 32 round keys of a 16-byte key (the SM4 key schedule). */
function sm4RoundKeys(key: Uint8Array): Uint32Array {
  if (key.byteLength !== 16) throw new RangeError("an SM4 key is 16 bytes");
  const view = new DataView(key.buffer, key.byteOffset, 16);
  const k = [0, 1, 2, 3].map((i) => (view.getUint32(i * 4) ^ (systemParameter[i] ?? 0)) >>> 0);
  const roundKeys = new Uint32Array(32);
  const sbox = sm4Sbox();
  for (let i = 0; i < 32; i++) {
    let ck = 0;
    for (let j = 0; j < 4; j++) ck = (ck << 8) | (((4 * i + j) * 7) & 0xff);
    const b = substituteWord(((k[i + 1] ?? 0) ^ (k[i + 2] ?? 0) ^ (k[i + 3] ?? 0) ^ ck) >>> 0, sbox);
    const next = ((k[i] ?? 0) ^ b ^ rotl(b, 13) ^ rotl(b, 23)) >>> 0;
    k.push(next);
    roundKeys[i] = next;
  }
  return roundKeys;
}

/**
 * A key ready for the kernel. Its S-box leaves out the affine constant C, so every round adds
 * L(CCCC) less than SM4 does; with e_i the difference in state word i (e_i+4 = e_i ⊕ L(CCCC), zero
 * for i < 4 and again for the output words 32..35), round key i absorbs e_i+1 ⊕ e_i+2 ⊕ e_i+3.
 */
export function sm4Key(key: Uint8Array): Sm4Key {
  const roundKeys = sm4RoundKeys(key);
  const c = vpermTables().outputConstant;
  const perRound = linear(((c << 24) | (c << 16) | (c << 8) | c) >>> 0);
  const offset = (word: number) => (Math.floor(word / 4) % 2 === 1 ? perRound : 0);
  const lanes = new Uint32Array(32 * 4);
  for (let i = 0; i < 32; i++) {
    const adjusted = (roundKeys[i] ?? 0) ^ offset(i + 1) ^ offset(i + 2) ^ offset(i + 3);
    lanes.fill(adjusted >>> 0, i * 4, i * 4 + 4);
  }
  return { lanes };
}

/** `input` encrypted (or decrypted: CTR is its own inverse) under `key` from counter `iv`. */
export function sm4Ctr(key: Sm4Key, iv: Uint8Array, input: Uint8Array): Buffer {
  if (iv.byteLength !== 16) throw new RangeError("an SM4-CTR IV is 16 bytes");
  const current = loadedKernel();
  const { exports, data } = current;
  if (current.loadedKey !== key) {
    current.roundKeys.set(key.lanes);
    current.loadedKey = key;
  }
  const counter = new DataView(new ArrayBuffer(16));
  new Uint8Array(counter.buffer).set(iv);
  const output = Buffer.allocUnsafe(input.byteLength);
  for (let offset = 0; offset < input.byteLength; offset += data.byteLength) {
    const piece = input.subarray(offset, offset + data.byteLength);
    data.set(piece);
    exports.ctrXor(piece.byteLength, ...words(counter));
    output.set(data.subarray(0, piece.byteLength), offset);
    advance(counter, data.byteLength / 16);
  }
  return output;
}

function words(counter: DataView): [number, number, number, number] {
  return [counter.getUint32(0), counter.getUint32(4), counter.getUint32(8), counter.getUint32(12)];
}

/** Adds `blocks` to the 128-bit big-endian counter, wrapping like OpenSSL's. */
function advance(counter: DataView, blocks: number): void {
  const low = counter.getBigUint64(8) + BigInt(blocks);
  counter.setBigUint64(8, BigInt.asUintN(64, low));
  if (low >> 64n) counter.setBigUint64(0, BigInt.asUintN(64, counter.getBigUint64(0) + 1n));
}
