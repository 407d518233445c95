/**
 * Arithmetic in GF(2ⁿ) = GF(2)[x]/(polynomial), elements as bit patterns (bit i = coefficient of xⁱ).
 * Used to compute SM4's S-box and its tower-field tables once, not on any hot path.
 */
export function fieldMultiply(a: number, b: number, polynomial: number): number {
  const overflow = 1 << (31 - Math.clz32(polynomial));
  let product = 0;
  for (let x = a, y = b; y !== 0; y >>= 1) {
    if (y & 1) product ^= x;
    x <<= 1;
    if (x & overflow) x ^= polynomial;
  }
  return product;
}

/** x⁻¹, or undefined for 0 (by search: the fields here have at most 256 elements). */
export function fieldInverse(x: number, polynomial: number): number | undefined {
  const size = 1 << (31 - Math.clz32(polynomial));
  for (let y = 1; y < size; y++) if (fieldMultiply(x, y, polynomial) === 1) return y;
  return undefined;
}
