/**
 * The SM4 S-box from its algebraic form, S(x) = A·(A·x ⊕ C)⁻¹ ⊕ C: inversion in GF(2⁸) modulo
 * x⁸+x⁷+x⁶+x⁵+x⁴+x²+1, A the circulant matrix whose rows are 0xD3 rotated right by the row number,
 * C = 0xD3. Computing it avoids a 256-byte table typed from the standard; the tests check the cipher
 * against OpenSSL's SM4.
 */
import { fieldInverse } from "./binary-field.ts";

export const sm4FieldPolynomial = 0x1f5;
export const sm4AffineConstant = 0xd3;

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
  const affine = (x: number) => sm4Linear(x) ^ sm4AffineConstant;
  // Inversion maps 0 to 0, as the S-box definition takes it.
  const inverse = (x: number) => fieldInverse(x, sm4FieldPolynomial) ?? 0;
  computed = Uint8Array.from({ length: 256 }, (_, x) => affine(inverse(affine(x))));
  return computed;
}
