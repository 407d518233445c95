/**
 * Buffers put back after use, for the next that fits: a restore worker reads range after range of
 * up to 16 MiB, and fresh memory for each cost it page faults and garbage collections of external
 * memory. Capacities are whole MiB, so ranges of slightly different lengths share buffers; at most
 * `keepBytes` are kept on the shelf.
 */
export class BufferShelf {
  private readonly shelf: Buffer[] = [];
  /** What is on the shelf: a buffer put back twice must not be handed out twice. */
  private readonly shelved = new WeakSet<ArrayBufferLike>();
  private kept = 0;

  constructor(private readonly keepBytes = 64 << 20) {}

  /** A buffer of exactly `length` bytes (not zeroed), over one from the shelf when one fits. */
  take(length: number): Buffer {
    let best = -1;
    for (const [i, buffer] of this.shelf.entries()) {
      const capacity = buffer.length;
      if (capacity >= length && (best < 0 || capacity < (this.shelf[best] as Buffer).length)) best = i;
    }
    if (best < 0) return Buffer.allocUnsafeSlow(roundUp(length)).subarray(0, length);
    const [buffer] = this.shelf.splice(best, 1) as [Buffer];
    this.shelved.delete(buffer.buffer);
    this.kept -= buffer.length;
    return buffer.subarray(0, length);
  }

  /** Puts back a buffer from `take` (or a part of one): nothing of it may be used afterwards. */
  give(bytes: Uint8Array): void {
    const whole = Buffer.from(bytes.buffer, 0, bytes.buffer.byteLength);
    if (whole.length === 0 || this.shelved.has(bytes.buffer)) return;
    if (this.kept + whole.length > this.keepBytes) return;
    this.shelved.add(bytes.buffer);
    this.shelf.push(whole);
    this.kept += whole.length;
  }
}

const mebibyte = 1 << 20;
const roundUp = (length: number) => Math.max(mebibyte, Math.ceil(length / mebibyte) * mebibyte);
