import { fieldInverse, fieldMultiply } from "./binary-field.ts";
import { sm4AffineConstant, sm4FieldPolynomial, sm4Linear } from "./sbox.ts";

/**
 * The SM4 S-box as nine 16-entry lookups (vector-permute S-box, after Hamburg's vpaes): the byte is
 * mapped affinely into GF((2⁴)²), inverted there with nibble tables only, and mapped back. Nibble
 * tables suit `i8x16.swizzle`, which looks up 16 bytes at once and yields 0 for an index ≥ 16; the
 * tables use 0x80 as "infinity" (1/0) so that the zero cases fall out of that rule.
 *
 * GF(2⁴) is GF(2)[z]/(z⁴+z+1); GF((2⁴)²) holds k + i·θ with θ² = aθ + a, written as the byte (i<<4)|k.
 * With j = i ⊕ k, io = 1/(1/i ⊕ a/k) ⊕ j = N/(k ⊕ ai) and jo = 1/(1/j ⊕ a/k) ⊕ i = N/(k ⊕ ai ⊕ ak),
 * N = ai² ⊕ aik ⊕ k² the norm, and the inverse k' + i'θ has k' = 1/io, i' = (1/io ⊕ (1/io ⊕ 1/jo)/a)/a.
 */
export interface VpermTables {
  /** Input nibble tables: the affine map x ↦ φ(A·x ⊕ C) into the tower field, by low and high nibble. */
  inputLow: Uint8Array;
  inputHigh: Uint8Array;
  /** a/x and 1/x in GF(2⁴), 1/0 = a/0 = 0x80. */
  aOver: Uint8Array;
  inverse: Uint8Array;
  /** Output tables: A·φ⁻¹ of the inverse's part that depends on io, resp. jo. */
  outputIo: Uint8Array;
  outputJo: Uint8Array;
  /** Added last: the S-box's affine constant. */
  outputConstant: number;
}

const infinity = 0x80;

const gf16Polynomial = 0x13;
const gf16Multiply = (a: number, b: number) => fieldMultiply(a, b, gf16Polynomial);
const gf16Inverse = (x: number) => fieldInverse(x, gf16Polynomial) ?? infinity;

/** The smallest a for which t² + at + a has no root in GF(2⁴), so the norm never vanishes. */
function towerConstant(): number {
  for (let a = 1; a < 16; a++) {
    let hasRoot = false;
    for (let t = 0; t < 16; t++) if ((gf16Multiply(t, t) ^ gf16Multiply(a, t) ^ a) === 0) hasRoot = true;
    if (!hasRoot) return a;
  }
  throw new Error("no irreducible t² + at + a over GF(2⁴)");
}

function towerMultiply(a: number, x: number, y: number): number {
  const [i1, k1, i2, k2] = [x >> 4, x & 15, y >> 4, y & 15];
  const ii = gf16Multiply(i1, i2);
  const k = gf16Multiply(k1, k2) ^ gf16Multiply(a, ii);
  const i = gf16Multiply(k1, i2) ^ gf16Multiply(k2, i1) ^ gf16Multiply(a, ii);
  return (i << 4) | k;
}

/** φ: SM4's field GF(2)[x]/(x⁸+x⁷+x⁶+x⁵+x⁴+x²+1) → the tower field, x ↦ a root β of that polynomial. */
function isomorphism(a: number): Uint8Array {
  for (let beta = 2; beta < 256; beta++) {
    // β⁰ … β⁸, each once.
    const powers = [1];
    for (let m = 1; m <= 8; m++) powers.push(towerMultiply(a, powers[m - 1] as number, beta));
    let value = 0;
    for (let m = 0; m <= 8; m++) if ((sm4FieldPolynomial >> m) & 1) value ^= powers[m] as number;
    if (value !== 0) continue;
    const phi = new Uint8Array(256);
    for (let y = 0; y < 256; y++) {
      for (let m = 0; m < 8; m++) if ((y >> m) & 1) phi[y] = (phi[y] ?? 0) ^ (powers[m] as number);
    }
    return phi;
  }
  throw new Error("no root of SM4's field polynomial in the tower field");
}

let computed: VpermTables | undefined;

/** The tables, computed on first use. */
export function vpermTables(): VpermTables {
  computed ??= buildTables();
  return computed;
}

function buildTables(): VpermTables {
  const a = towerConstant();
  const phi = isomorphism(a);
  const phiInverse = new Uint8Array(256);
  for (let y = 0; y < 256; y++) phiInverse[phi[y] ?? 0] = y;
  const inverseA = gf16Inverse(a);
  const back = (element: number) => sm4Linear(phiInverse[element] ?? 0);
  const table = (entry: (n: number) => number) => Uint8Array.from({ length: 16 }, (_, n) => entry(n));
  return {
    inputLow: table((n) => phi[sm4Linear(n) ^ sm4AffineConstant] ?? 0),
    inputHigh: table((n) => phi[sm4Linear(n << 4)] ?? 0),
    aOver: table((n) => (n === 0 ? infinity : gf16Multiply(a, gf16Inverse(n)))),
    inverse: table((n) => (n === 0 ? infinity : gf16Inverse(n))),
    outputIo: table((io) => {
      if (io === 0) return 0;
      const u = gf16Inverse(io);
      const i = gf16Multiply(inverseA, u ^ gf16Multiply(inverseA, u));
      return back((i << 4) | u);
    }),
    outputJo: table((jo) => {
      if (jo === 0) return 0;
      const i = gf16Multiply(inverseA, gf16Multiply(inverseA, gf16Inverse(jo)));
      return back(i << 4);
    }),
    outputConstant: sm4AffineConstant,
  };
}

/** The S-box computed the way the kernel does, byte by byte: checks the tables against `sm4Sbox()`. */
export function vpermSbox(tables: VpermTables, x: number): number {
  const lookup = (t: Uint8Array, index: number) => (index < 16 ? (t[index] ?? 0) : 0);
  const y = lookup(tables.inputLow, x & 15) ^ lookup(tables.inputHigh, x >> 4);
  const [i, k] = [y >> 4, y & 15];
  const j = i ^ k;
  const ak = lookup(tables.aOver, k);
  const io = lookup(tables.inverse, lookup(tables.inverse, i) ^ ak) ^ j;
  const jo = lookup(tables.inverse, lookup(tables.inverse, j) ^ ak) ^ i;
  return lookup(tables.outputIo, io) ^ lookup(tables.outputJo, jo) ^ tables.outputConstant;
}
