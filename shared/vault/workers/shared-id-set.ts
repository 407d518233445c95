const empty = 0;
const writing = 1;
const ready = 2;
/** Words of an id: 32 bytes. */
const idWords = 8;

/**
 * The ids of the blobs sealed in one backup session, shared by its worker threads through a
 * SharedArrayBuffer, so that a chunk two workers meet is sealed by one of them only (each fills
 * packs of its own). Lock-free open addressing: a thread claims an empty slot with
 * compareExchange, writes the id and publishes it with a store; a thread that finds a slot being
 * written spins until it is published (no notify: V8's Atomics.notify takes a process-wide lock,
 * which every claim would pay for). Ids are HMAC outputs, so their first word is already a uniform hash.
 *
 * The table does not grow: past `maxLoad` it stops taking ids and `claim` answers undefined, and
 * the caller falls back to what it knows alone (a blob may then be stored twice, never lost).
 */
export class SharedIdSet {
  static readonly maxLoad = 0.7;
  private readonly states: Int32Array;
  private readonly ids: Int32Array;
  private readonly count: Int32Array;
  private readonly mask: number;
  private readonly limit: number;
  private readonly scratch = Buffer.alloc(4 * idWords);
  private readonly words = new Int32Array(this.scratch.buffer, this.scratch.byteOffset, idWords);

  /** Room for `capacity` slots (a power of two): 36 bytes each. */
  static allocate(capacity = 1 << 17): SharedArrayBuffer {
    if (capacity < 2 || (capacity & (capacity - 1)) !== 0) throw new Error("capacity must be a power of two");
    return new SharedArrayBuffer(4 + 4 * capacity * (1 + idWords));
  }

  constructor(buffer: SharedArrayBuffer) {
    const capacity = (buffer.byteLength - 4) / (4 * (1 + idWords));
    this.count = new Int32Array(buffer, 0, 1);
    this.states = new Int32Array(buffer, 4, capacity);
    this.ids = new Int32Array(buffer, 4 + 4 * capacity, capacity * idWords);
    this.mask = capacity - 1;
    this.limit = Math.floor(capacity * SharedIdSet.maxLoad);
  }

  /**
   * Adds `id` (64 hex digits). True when this call added it, false when any thread had; undefined
   * when the table is too full to tell.
   */
  claim(id: string): boolean | undefined {
    this.scratch.write(id, "hex");
    const words = this.words;
    for (let slot = (words[0] as number) & this.mask; ; slot = (slot + 1) & this.mask) {
      let state = Atomics.load(this.states, slot);
      if (state === empty) {
        if (Atomics.load(this.count, 0) >= this.limit) return undefined;
        state = Atomics.compareExchange(this.states, slot, empty, writing);
        if (state === empty) {
          this.ids.set(words, slot * idWords);
          Atomics.add(this.count, 0, 1);
          Atomics.store(this.states, slot, ready);
          return true;
        }
      }
      for (let spins = 0; state === writing; spins++) {
        // The writer is a few stores from done; only if it was descheduled is sleeping worth it.
        if (spins > 1000) Atomics.wait(this.states, slot, writing, 1);
        state = Atomics.load(this.states, slot);
      }
      if (this.holds(slot)) return false;
    }
  }

  private holds(slot: number): boolean {
    const at = slot * idWords;
    for (let i = 0; i < idWords; i++) if (this.ids[at + i] !== this.words[i]) return false;
    return true;
  }
}
