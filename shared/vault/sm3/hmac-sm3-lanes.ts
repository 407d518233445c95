import { createHash, createHmac } from "node:crypto";
import { instantiateWasm, validWasm } from "../wasm/instantiate.ts";
import { sm3LanesSimd } from "../wasm/kernels.ts";

/**
 * HMAC-SM3 of many messages at once. OpenSSL's SM3 (plain C on x86) hashes one message at a time;
 * a WebAssembly SIMD kernel (../wasm/assembly/sm3-lanes.ts) hashes four side by side, one per 32-bit
 * lane, in about half the time per message when their lengths are close. Messages are sorted by
 * length and taken four at a time; each group goes to whichever of the two costs less for it, so a
 * lone or much longer message still goes to OpenSSL. The result is the same either way.
 */
export type MessageParts = readonly Uint8Array[];

const laneCount = 4;
const blockBytes = 64;
/**
 * What one kernel step (a block in each of the four lanes) costs, in blocks hashed by OpenSSL:
 * 0.46 µs against 0.20 µs on the development machine (x86-64, Node 20). Each OpenSSL HMAC adds about
 * `opensslCallBlocks` for its key set-up, outer hash and call.
 */
const kernelStepCost = 2.3;
const opensslCallBlocks = 6;

const sm3InitialValue = [
  0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
];

interface KernelExports {
  memory: { buffer: ArrayBuffer };
  stateAddress(): number;
  dataAddress(): number;
  laneBytes(): number;
  compress(blocks: number): void;
}

interface Kernel {
  compress(blocks: number): void;
  /** Word w of lane j at 4w + j. */
  state: Uint32Array;
  data: Uint8Array;
  laneBytes: number;
}

/** The kernel, once loaded and checked against OpenSSL; null where this engine cannot run it. */
let kernel: Kernel | null | undefined;

function loadedKernel(): Kernel | null {
  if (kernel === undefined) {
    kernel = validWasm(sm3LanesSimd) ? instantiate() : null;
    if (kernel && !passesSelfTest(kernel)) kernel = null;
  }
  return kernel;
}

function instantiate(): Kernel {
  const exports = instantiateWasm<KernelExports>(sm3LanesSimd);
  const laneBytes = exports.laneBytes();
  return {
    compress: (blocks) => exports.compress(blocks),
    state: new Uint32Array(exports.memory.buffer, exports.stateAddress(), 8 * laneCount),
    data: new Uint8Array(exports.memory.buffer, exports.dataAddress(), laneCount * laneBytes),
    laneBytes,
  };
}

/**
 * When groups go to the kernel: when it costs less (`auto`), or `always` and `never` (for tests and
 * measurements). Without the kernel (an engine without WebAssembly SIMD) every group goes to OpenSSL.
 */
export type KernelUse = "auto" | "always" | "never";

/** Whether this engine runs the kernel (and it passed its self-test). */
export const sm3LanesKernelLoaded = (): boolean => loadedKernel() !== null;

/**
 * HMAC-SM3 under `key` of each message (given as its parts), in order. Written as plain loops over
 * preallocated state: V8 optimises this path for every worker, and iterator- and closure-heavy code
 * here cost more to compile (about 80 ms per compilation) than the kernel saved.
 */
export function hmacSm3Many(
  key: Uint8Array,
  use: KernelUse = "auto",
): (messages: MessageParts[]) => Buffer[] {
  // The kernel is loaded (and self-tested) at the first call, not here: a thread that only restores
  // makes such a function and never calls it.
  let states: KeyStates | undefined;
  return (messages) => {
    const lanes = use === "never" ? null : loadedKernel();
    if (!lanes) return openSslHmacs(key, messages);
    states ??= keyStates(lanes, key);
    return hmacMany(lanes, states, key, messages, use === "always");
  };
}

function openSslHmacs(key: Uint8Array, messages: MessageParts[]): Buffer[] {
  const digests: Buffer[] = [];
  for (let i = 0; i < messages.length; i++) digests.push(openSslHmac(key, messages[i] as MessageParts));
  return digests;
}

function openSslHmac(key: Uint8Array, parts: MessageParts): Buffer {
  const hmac = createHmac("sm3", key);
  for (let i = 0; i < parts.length; i++) hmac.update(parts[i] as Uint8Array);
  return hmac.digest();
}

interface KeyStates {
  /** The SM3 states after the key's inner and outer pad blocks (RFC 2104). */
  inner: Uint32Array;
  outer: Uint32Array;
}

function hmacMany(
  lanes: Kernel,
  states: KeyStates,
  key: Uint8Array,
  messages: MessageParts[],
  always: boolean,
): Buffer[] {
  const count = messages.length;
  const digests = new Array<Buffer>(count);
  const blocks = new Float64Array(count);
  for (let i = 0; i < count; i++) blocks[i] = paddedBlocks(byteLength(messages[i] as MessageParts));
  const order = indicesByValue(blocks);
  for (let start = 0; start < count; start += laneCount) {
    const size = Math.min(laneCount, count - start);
    if (always || kernelCostsLess(blocks, order, start, size)) {
      hmacGroup(lanes, states, messages, order, start, size, digests);
    } else {
      for (let k = start; k < start + size; k++) {
        const i = order[k] as number;
        digests[i] = openSslHmac(key, messages[i] as MessageParts);
      }
    }
  }
  return digests;
}

function byteLength(parts: MessageParts): number {
  let length = 0;
  for (let i = 0; i < parts.length; i++) length += (parts[i] as Uint8Array).byteLength;
  return length;
}

/** Blocks of a message after the key block: its bytes, 0x80, zeros and the 64-bit bit length. */
const paddedBlocks = (length: number) => Math.ceil((length + 9) / blockBytes);

/** The indices of `values` from the smallest value up (insertion sort: a few dozen at most). */
function indicesByValue(values: Float64Array): Int32Array {
  const order = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let at = i;
    while (at > 0 && (values[order[at - 1] as number] as number) > (values[i] as number)) {
      order[at] = order[at - 1] as number;
      at -= 1;
    }
    order[at] = i;
  }
  return order;
}

function kernelCostsLess(blocks: Float64Array, order: Int32Array, start: number, size: number): boolean {
  let longest = 0;
  let opensslCost = 0;
  for (let k = start; k < start + size; k++) {
    const b = blocks[order[k] as number] as number;
    longest = Math.max(longest, b);
    opensslCost += b + opensslCallBlocks;
  }
  return kernelStepCost * (longest + 1) < opensslCost;
}

function keyStates(lanes: Kernel, key: Uint8Array): KeyStates {
  const block = Buffer.alloc(blockBytes);
  block.set(key.byteLength > blockBytes ? createHash("sm3").update(key).digest() : key);
  setState(lanes, Uint32Array.from(sm3InitialValue), 2);
  lanes.data.set(block.map((byte) => byte ^ 0x36));
  lanes.data.set(
    block.map((byte) => byte ^ 0x5c),
    lanes.laneBytes,
  );
  lanes.compress(1);
  return { inner: laneState(lanes, 0), outer: laneState(lanes, 1) };
}

/** Where a lane is in its message. One per lane, reused for every group. */
class LaneCursor {
  parts: MessageParts = [];
  length = 0;
  bitLength = 0;
  part = 0;
  offset = 0;
  position = 0;
  blocksLeft = 0;
  done = false;

  /** A message after the key block; its padding counts that block too. */
  reset(parts: MessageParts): void {
    this.parts = parts;
    this.length = byteLength(parts);
    this.bitLength = (blockBytes + this.length) * 8;
    this.part = 0;
    this.offset = 0;
    this.position = 0;
    this.blocksLeft = paddedBlocks(this.length);
    this.done = false;
  }

  /** Writes the next `blocks` blocks of the message and then its padding to `target` at `at`. */
  copyBlocks(blocks: number, target: Uint8Array, at: number): void {
    const start = this.position;
    const end = start + blocks * blockBytes;
    while (this.position < Math.min(end, this.length)) {
      const part = this.parts[this.part] as Uint8Array;
      const taken = Math.min(end - this.position, part.byteLength - this.offset);
      target.set(taken === part.byteLength ? part : part.subarray(this.offset, this.offset + taken), at);
      at += taken;
      this.position += taken;
      this.offset += taken;
      if (this.offset === part.byteLength) {
        this.part += 1;
        this.offset = 0;
      }
    }
    this.blocksLeft -= blocks;
    if (end <= this.length) return;
    target.fill(0, at, at + end - Math.max(start, this.length));
    if (this.length >= start) target[at] = 0x80;
    if (this.blocksLeft === 0)
      writeBitLength(target, at + end - Math.max(start, this.length), this.bitLength);
    this.position = end;
  }
}

const cursors = Array.from({ length: laneCount }, () => new LaneCursor());

/** `bitLength` as the 64-bit big-endian word that ends SM3's padding, in the 8 bytes before `end`. */
function writeBitLength(target: Uint8Array, end: number, bitLength: number): void {
  writeWord(target, end - 8, Math.floor(bitLength / 2 ** 32));
  writeWord(target, end - 4, bitLength >>> 0);
}

/**
 * HMAC of the messages `order[start..start+size)` through the kernel, into `digests`. A lane whose
 * message is done gets its outer block (the inner digest, padded) at once: its part of the memory is
 * not read again until the outer step.
 */
function hmacGroup(
  lanes: Kernel,
  states: KeyStates,
  messages: MessageParts[],
  order: Int32Array,
  start: number,
  size: number,
  digests: Buffer[],
): void {
  for (let k = 0; k < size; k++) {
    (cursors[k] as LaneCursor).reset(messages[order[start + k] as number] as MessageParts);
  }
  setState(lanes, states.inner, size);
  for (let active = size; active > 0; ) {
    let step = lanes.laneBytes / blockBytes;
    for (let k = 0; k < size; k++) {
      const cursor = cursors[k] as LaneCursor;
      if (!cursor.done) step = Math.min(step, cursor.blocksLeft);
    }
    for (let k = 0; k < size; k++) {
      const cursor = cursors[k] as LaneCursor;
      if (!cursor.done) cursor.copyBlocks(step, lanes.data, k * lanes.laneBytes);
    }
    lanes.compress(step);
    for (let k = 0; k < size; k++) {
      const cursor = cursors[k] as LaneCursor;
      if (cursor.done || cursor.blocksLeft > 0) continue;
      cursor.done = true;
      active -= 1;
      writeOuterBlock(lanes, k);
    }
  }
  setState(lanes, states.outer, size);
  lanes.compress(1);
  for (let k = 0; k < size; k++) digests[order[start + k] as number] = laneDigest(lanes, k);
}

/** Lane k's inner digest, padded as the one block after the outer key block, at the lane's start. */
function writeOuterBlock(lanes: Kernel, k: number): void {
  const at = k * lanes.laneBytes;
  for (let w = 0; w < 8; w++) writeWord(lanes.data, at + w * 4, lanes.state[w * laneCount + k] as number);
  lanes.data.fill(0, at + 32, at + blockBytes);
  lanes.data[at + 32] = 0x80;
  writeBitLength(lanes.data, at + blockBytes, (blockBytes + 32) * 8);
}

function writeWord(target: Uint8Array, at: number, value: number): void {
  target[at] = value >>> 24;
  target[at + 1] = value >>> 16;
  target[at + 2] = value >>> 8;
  target[at + 3] = value;
}

/** Every one of the first `size` lanes starts from `state`. */
function setState(lanes: Kernel, state: Uint32Array, size: number): void {
  for (let w = 0; w < 8; w++) {
    for (let k = 0; k < size; k++) lanes.state[w * laneCount + k] = state[w] as number;
  }
}

function laneState(lanes: Kernel, k: number): Uint32Array {
  const state = new Uint32Array(8);
  for (let w = 0; w < 8; w++) state[w] = lanes.state[w * laneCount + k] as number;
  return state;
}

function laneDigest(lanes: Kernel, k: number): Buffer {
  const digest = Buffer.allocUnsafe(32);
  for (let w = 0; w < 8; w++) writeWord(digest, w * 4, lanes.state[w * laneCount + k] as number);
  return digest;
}

/**
 * The kernel against OpenSSL at load: four lanes of different lengths (empty, one short of the
 * padding's room, a block and a bit, several steps), so every lane, the padding and the hand-over
 * between steps are covered.
 */
function passesSelfTest(lanes: Kernel): boolean {
  const key = Buffer.from("govdr sm3 lanes self-test");
  const pattern = (length: number) => Buffer.from(Array.from({ length }, (_, i) => (i * 131 + 7) & 0xff));
  const messages = [0, 55, 70, 2 * lanes.laneBytes + 5].map((length) => [pattern(length)]);
  const got = hmacMany(lanes, keyStates(lanes, key), key, messages, true);
  return messages.every((parts, i) => openSslHmac(key, parts).equals(got[i] as Buffer));
}
