/**
 * The SM4 S-box from its algebraic form, S(x) = A·(A·x ⊕ C)⁻¹ ⊕ C: inversion in GF(2⁸) modulo
 * x⁸+x⁷+x⁶+x⁵+x⁴+x²+1, A the circulant matrix whose rows are 0xD3 rotated right by the row number,
 * C = 0xD3. Computing it avoids a 256-byte table typed from the standard; the tests check the cipher
 * against OpenSSL's SM4.
 */
export const sm4FieldPolynomial = 0x1f5;
export const sm4AffineConstant = 0xd3;

function multiply(a: number, b: number): number {
  let product = 0;
  for (let x = a, y = b; y !== 0; y >>= 1) {
    if (y & 1) product ^= x;
    x <<= 1;
    if (x & 0x100) x ^= sm4FieldPolynomial;
  }
  return product;
}

function parity(value: number): number {
  let v = value ^ (value >> 4);
  v ^= v >> 2;
  v ^= v >> 1;
  return v & 1;
}

/** A·x, row r of A giving bit 7 − r. */
export function sm4Linear(x: number): number {
  let out = 0;
  for (let row = 0; row < 8; row++) {
    const mask = ((sm4AffineConstant >> row) | (sm4AffineConstant << (8 - row))) & 0xff;
    out |= parity(mask & x) << (7 - row);
  }
  return out;
}

let computed: Uint8Array | undefined;

/** The S-box, computed on first use (most repositories never use SM4). */
export function sm4Sbox(): Uint8Array {
  if (computed) return computed;
  const inverse = new Uint8Array(256);
  for (let x = 1; x < 256; x++) {
    for (let y = 1; y < 256; y++) {
      if (multiply(x, y) === 1) {
        inverse[x] = y;
        break;
      }
    }
  }
  const affine = (x: number) => sm4Linear(x) ^ sm4AffineConstant;
  computed = Uint8Array.from({ length: 256 }, (_, x) => affine(inverse[affine(x)] ?? 0));
  return computed;
}
