// SM4 in CTR mode (GB/T 32907), compiled to WebAssembly SIMD by AssemblyScript.
//
// Blocks are encrypted four at a time, word-sliced: lane j of x0..x3 holds word 0..3 of block j,
// so one round of all four blocks is one round on four v128 values. The S-box is computed with nibble
// lookups (i8x16.swizzle). JavaScript writes the tables and round keys (see ../../sm4/sm4-ctr.ts).

// The S-box's nibble tables (see ../../sm4/vperm-tables.ts), 16 bytes each: input low, input high, a/x,
// 1/x, output by io, output by jo.
const TABLES: usize = memory.data(6 * 16, 16);
// The 32 round keys (adjusted for the missing S-box constant), each repeated in the four lanes.
const ROUND_KEYS: usize = memory.data(32 * 16, 16);
// Counter words of eight blocks, word-sliced like the state.
const COUNTERS: usize = memory.data(128, 16);
const KEYSTREAM: usize = memory.data(128, 16);
const DATA_BYTES: u32 = 128 << 10;
const DATA: usize = memory.data(DATA_BYTES, 16);

export function tablesAddress(): usize {
  return TABLES;
}
export function roundKeysAddress(): usize {
  return ROUND_KEYS;
}
export function dataAddress(): usize {
  return DATA;
}
export function dataCapacity(): u32 {
  return DATA_BYTES;
}

// Indices are nibbles, or 0x80-0x8F for 1/0, which must give 0. Relaxed swizzle (one pshufb on x86,
// one tbl on ARM) does that on both; ../../sm4/sm4-ctr.ts self-tests whichever build it loads.
@inline function lookup(table: i32, index: v128): v128 {
  const row = v128.load(TABLES + (<usize>table << 4));
  return ASC_FEATURE_RELAXED_SIMD ? i8x16.relaxed_swizzle(row, index) : i8x16.swizzle(row, index);
}

// Sixteen S-box lookups at once: into GF((2^4)^2), invert there, back (nine swizzles). The S-box's
// output constant is left out: its effect on the state is folded into the round keys.
@inline function substitute(x: v128): v128 {
  const nibble = i8x16.splat(0x0f);
  const y = v128.xor(lookup(0, v128.and(x, nibble)), lookup(1, v128.and(i16x8.shr_u(x, 4), nibble)));
  const k = v128.and(y, nibble);
  const i = v128.and(i16x8.shr_u(y, 4), nibble);
  const j = v128.xor(i, k);
  const ak = lookup(2, k);
  const io = v128.xor(lookup(3, v128.xor(lookup(3, i), ak)), j);
  const jo = v128.xor(lookup(3, v128.xor(lookup(3, j), ak)), i);
  return v128.xor(lookup(4, io), lookup(5, jo));
}

@inline function rotl2(x: v128): v128 {
  return v128.or(i32x4.shl(x, 2), i32x4.shr_u(x, 30));
}
@inline function rotl8(x: v128): v128 {
  return i8x16.shuffle(x, x, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14);
}
@inline function rotl16(x: v128): v128 {
  return i8x16.shuffle(x, x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
}
@inline function rotl24(x: v128): v128 {
  return i8x16.shuffle(x, x, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12);
}

// T(x) = L(S(x)), L(B) = B ^ (B <<< 2) ^ (B <<< 10) ^ (B <<< 18) ^ (B <<< 24).
@inline function roundFunction(x: v128): v128 {
  const s = substitute(x);
  const r2 = rotl2(s);
  return v128.xor(v128.xor(s, rotl24(s)), v128.xor(r2, v128.xor(rotl8(r2), rotl16(r2))));
}

@inline function roundKey(i: i32): v128 {
  return v128.load(ROUND_KEYS + (<usize>i << 4));
}

let counterHigh: u64 = 0;
let counterLow: u64 = 0;

// Writes the next four counter blocks to COUNTERS + offset, word-sliced.
@inline function nextCounters(offset: usize): void {
  for (let j: usize = 0; j < 4; j++) {
    const lane = COUNTERS + offset + (j << 2);
    store<u32>(lane, <u32>(counterHigh >> 32));
    store<u32>(lane, <u32>counterHigh, 16);
    store<u32>(lane, <u32>(counterLow >> 32), 32);
    store<u32>(lane, <u32>counterLow, 48);
    counterLow += 1;
    if (counterLow == 0) counterHigh += 1;
  }
}

// The output is (X35, X34, X33, X32): transposed back to four blocks, each word big-endian.
@inline function storeBlocks(at: usize, x0: v128, x1: v128, x2: v128, x3: v128): void {
  const t0 = i32x4.shuffle(x3, x2, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(x1, x0, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(x3, x2, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(x1, x0, 2, 6, 3, 7);
  v128.store(at, i8x16.shuffle(t0, t1, 3, 2, 1, 0, 7, 6, 5, 4, 19, 18, 17, 16, 23, 22, 21, 20));
  v128.store(at, i8x16.shuffle(t0, t1, 11, 10, 9, 8, 15, 14, 13, 12, 27, 26, 25, 24, 31, 30, 29, 28), 16);
  v128.store(at, i8x16.shuffle(t2, t3, 3, 2, 1, 0, 7, 6, 5, 4, 19, 18, 17, 16, 23, 22, 21, 20), 32);
  v128.store(at, i8x16.shuffle(t2, t3, 11, 10, 9, 8, 15, 14, 13, 12, 27, 26, 25, 24, 31, 30, 29, 28), 48);
}

// Encrypts the next eight counter blocks into KEYSTREAM, in byte order. Two groups of four blocks go
// through the rounds side by side: one round of one group is a long dependency chain, two chains
// keep the vector units busy.
function keystream(): void {
  nextCounters(0);
  nextCounters(64);
  let a0 = v128.load(COUNTERS);
  let a1 = v128.load(COUNTERS, 16);
  let a2 = v128.load(COUNTERS, 32);
  let a3 = v128.load(COUNTERS, 48);
  let b0 = v128.load(COUNTERS, 64);
  let b1 = v128.load(COUNTERS, 80);
  let b2 = v128.load(COUNTERS, 96);
  let b3 = v128.load(COUNTERS, 112);
  for (let i = 0; i < 32; i += 4) {
    let k = roundKey(i);
    a0 = v128.xor(a0, roundFunction(v128.xor(v128.xor(a1, a2), v128.xor(a3, k))));
    b0 = v128.xor(b0, roundFunction(v128.xor(v128.xor(b1, b2), v128.xor(b3, k))));
    k = roundKey(i + 1);
    a1 = v128.xor(a1, roundFunction(v128.xor(v128.xor(a2, a3), v128.xor(a0, k))));
    b1 = v128.xor(b1, roundFunction(v128.xor(v128.xor(b2, b3), v128.xor(b0, k))));
    k = roundKey(i + 2);
    a2 = v128.xor(a2, roundFunction(v128.xor(v128.xor(a3, a0), v128.xor(a1, k))));
    b2 = v128.xor(b2, roundFunction(v128.xor(v128.xor(b3, b0), v128.xor(b1, k))));
    k = roundKey(i + 3);
    a3 = v128.xor(a3, roundFunction(v128.xor(v128.xor(a0, a1), v128.xor(a2, k))));
    b3 = v128.xor(b3, roundFunction(v128.xor(v128.xor(b0, b1), v128.xor(b2, k))));
  }
  storeBlocks(KEYSTREAM, a0, a1, a2, a3);
  storeBlocks(KEYSTREAM + 64, b0, b1, b2, b3);
}

// XORs the keystream from counter (c0 c1 c2 c3, big-endian words) into the first `length` bytes of DATA.
export function ctrXor(length: u32, c0: u32, c1: u32, c2: u32, c3: u32): void {
  counterHigh = (<u64>c0 << 32) | <u64>c1;
  counterLow = (<u64>c2 << 32) | <u64>c3;
  const end = DATA + <usize>min(length, DATA_BYTES);
  let p = DATA;
  for (; p + 128 <= end; p += 128) {
    keystream();
    for (let q: usize = 0; q < 128; q += 16) {
      v128.store(p + q, v128.xor(v128.load(p + q), v128.load(KEYSTREAM + q)));
    }
  }
  if (p < end) {
    keystream();
    for (let k: usize = 0; p < end; p++, k++) store<u8>(p, load<u8>(p) ^ load<u8>(KEYSTREAM + k));
  }
}
