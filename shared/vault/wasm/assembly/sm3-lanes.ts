// SM3 (GB/T 32905) compression of four messages side by side, compiled to WebAssembly SIMD by
// AssemblyScript. Lane j of every v128 belongs to message j: word w of the state is at STATE + 16w,
// lane j in bytes 4j..4j+3. JavaScript (../../sm3/hmac-sm3-lanes.ts) pads the messages, puts lane j's
// next blocks at DATA + j * LANE_BYTES and reads the state back; one call advances all four lanes by
// the same number of blocks.

const STATE: usize = memory.data(8 * 16, 16);
// The expanded message words W0..W67 of the block being compressed, lane-sliced like the state.
const W: usize = memory.data(68 * 16, 16);
// The round constants Tj <<< j.
const T: usize = memory.data(64 * 4, 16);
const LANE_BYTES: u32 = 16 << 10;
const DATA: usize = memory.data(4 * LANE_BYTES, 16);

for (let j: u32 = 0; j < 64; j++) {
  const t: u32 = j < 16 ? 0x79cc4519 : 0x7a879d8a;
  store<u32>(T + (<usize>j << 2), rotl<u32>(t, j % 32));
}

export function stateAddress(): usize {
  return STATE;
}
export function dataAddress(): usize {
  return DATA;
}
export function laneBytes(): u32 {
  return LANE_BYTES;
}

@inline function rotl32(x: v128, n: i32): v128 {
  return v128.or(i32x4.shl(x, n), i32x4.shr_u(x, 32 - n));
}
@inline function p0(x: v128): v128 {
  return v128.xor(x, v128.xor(rotl32(x, 9), rotl32(x, 17)));
}
@inline function p1(x: v128): v128 {
  return v128.xor(x, v128.xor(rotl32(x, 15), rotl32(x, 23)));
}
@inline function word(j: usize): v128 {
  return v128.load(W + (j << 4));
}
@inline function bigEndianWords(x: v128): v128 {
  return i8x16.shuffle(x, x, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
}

// W0..W15 from the four lanes' block at `offset`: a 4x4 transpose of words per 16 bytes, then a byte
// swap (SM3 words are big-endian).
@inline function loadBlock(offset: usize): void {
  for (let w: usize = 0; w < 16; w += 4) {
    const at = DATA + offset + (w << 2);
    const m0 = v128.load(at);
    const m1 = v128.load(at + LANE_BYTES);
    const m2 = v128.load(at + 2 * LANE_BYTES);
    const m3 = v128.load(at + 3 * LANE_BYTES);
    const t0 = i32x4.shuffle(m0, m1, 0, 4, 1, 5);
    const t1 = i32x4.shuffle(m2, m3, 0, 4, 1, 5);
    const t2 = i32x4.shuffle(m0, m1, 2, 6, 3, 7);
    const t3 = i32x4.shuffle(m2, m3, 2, 6, 3, 7);
    v128.store(W + (w << 4), bigEndianWords(i32x4.shuffle(t0, t1, 0, 1, 4, 5)));
    v128.store(W + (w << 4), bigEndianWords(i32x4.shuffle(t0, t1, 2, 3, 6, 7)), 16);
    v128.store(W + (w << 4), bigEndianWords(i32x4.shuffle(t2, t3, 0, 1, 4, 5)), 32);
    v128.store(W + (w << 4), bigEndianWords(i32x4.shuffle(t2, t3, 2, 3, 6, 7)), 48);
  }
  for (let j: usize = 16; j < 68; j++) {
    const x = v128.xor(v128.xor(word(j - 16), word(j - 9)), rotl32(word(j - 3), 15));
    v128.store(W + (j << 4), v128.xor(v128.xor(p1(x), rotl32(word(j - 13), 7)), word(j - 6)));
  }
}

// Compresses the next `blocks` blocks of every lane into the state.
export function compress(blocks: u32): void {
  let a = v128.load(STATE);
  let b = v128.load(STATE, 16);
  let c = v128.load(STATE, 32);
  let d = v128.load(STATE, 48);
  let e = v128.load(STATE, 64);
  let f = v128.load(STATE, 80);
  let g = v128.load(STATE, 96);
  let h = v128.load(STATE, 112);
  const end = <usize>min(blocks, LANE_BYTES >> 6) << 6;
  for (let offset: usize = 0; offset < end; offset += 64) {
    loadBlock(offset);
    const a0 = a;
    const b0 = b;
    const c0 = c;
    const d0 = d;
    const e0 = e;
    const f0 = f;
    const g0 = g;
    const h0 = h;
    // Two loops that differ only in FF and GG: one loop choosing between them per round took 7% longer.
    // Rounds 0-15: FF and GG are XORs.
    for (let j: usize = 0; j < 16; j++) {
      const a12 = rotl32(a, 12);
      const ss1 = rotl32(i32x4.add(i32x4.add(a12, e), i32x4.splat(load<u32>(T + (j << 2)))), 7);
      const ss2 = v128.xor(ss1, a12);
      const wj = word(j);
      const ff = v128.xor(v128.xor(a, b), c);
      const gg = v128.xor(v128.xor(e, f), g);
      const tt1 = i32x4.add(i32x4.add(ff, d), i32x4.add(ss2, v128.xor(wj, word(j + 4))));
      const tt2 = i32x4.add(i32x4.add(gg, h), i32x4.add(ss1, wj));
      d = c;
      c = rotl32(b, 9);
      b = a;
      a = tt1;
      h = g;
      g = rotl32(f, 19);
      f = e;
      e = p0(tt2);
    }
    // Rounds 16-63: majority and choice, one bitselect each.
    for (let j: usize = 16; j < 64; j++) {
      const a12 = rotl32(a, 12);
      const ss1 = rotl32(i32x4.add(i32x4.add(a12, e), i32x4.splat(load<u32>(T + (j << 2)))), 7);
      const ss2 = v128.xor(ss1, a12);
      const wj = word(j);
      const ff = v128.bitselect(c, a, v128.xor(a, b));
      const gg = v128.bitselect(f, g, e);
      const tt1 = i32x4.add(i32x4.add(ff, d), i32x4.add(ss2, v128.xor(wj, word(j + 4))));
      const tt2 = i32x4.add(i32x4.add(gg, h), i32x4.add(ss1, wj));
      d = c;
      c = rotl32(b, 9);
      b = a;
      a = tt1;
      h = g;
      g = rotl32(f, 19);
      f = e;
      e = p0(tt2);
    }
    a = v128.xor(a, a0);
    b = v128.xor(b, b0);
    c = v128.xor(c, c0);
    d = v128.xor(d, d0);
    e = v128.xor(e, e0);
    f = v128.xor(f, f0);
    g = v128.xor(g, g0);
    h = v128.xor(h, h0);
  }
  v128.store(STATE, a);
  v128.store(STATE, b, 16);
  v128.store(STATE, c, 32);
  v128.store(STATE, d, 48);
  v128.store(STATE, e, 64);
  v128.store(STATE, f, 80);
  v128.store(STATE, g, 96);
  v128.store(STATE, h, 112);
}
