// The inner loop of FastCDC (../../fastcdc.ts): the gear rolling hash over bytes that JavaScript
// copies into SCRATCH piece by piece, stopping at the first byte where hash & mask == 0. The hash
// carries over from one piece to the next until reset.

const GEAR: usize = memory.data(256 * 4, 16);
const SCRATCH_BYTES: u32 = 256 << 10;
const SCRATCH: usize = memory.data(SCRATCH_BYTES, 16);

let hash: u32 = 0;

export function gearAddress(): usize {
  return GEAR;
}
export function scratchAddress(): usize {
  return SCRATCH;
}
export function scratchCapacity(): u32 {
  return SCRATCH_BYTES;
}

export function reset(): void {
  hash = 0;
}

// The number of bytes up to and including the cut point in SCRATCH[0, length), or -1 for none.
export function scan(length: u32, mask: u32): i32 {
  const end = SCRATCH + <usize>min(length, SCRATCH_BYTES);
  let h = hash;
  for (let p = SCRATCH; p < end; p++) {
    h = (h << 1) + load<u32>(GEAR + (<usize>load<u8>(p) << 2));
    if ((h & mask) == 0) {
      hash = h;
      return <i32>(p + 1 - SCRATCH);
    }
  }
  hash = h;
  return -1;
}
