import { createHash } from 'crypto';

/** Slots of a new set; always a power of two. */
const INITIAL_SLOTS = 1024;
/** The set grows when this share of its slots is taken: linear probing stays short below it. */
const MAX_LOAD = 0.7;

/**
 * A set of texts that keeps 63 bits of each one's SHA-256, not the text, in an open-addressing table of typed
 * arrays (8 bytes a slot, 12–23 bytes a text, outside V8's heap): for what must remember every user of a run (the
 * emulator's referenceIds per audience, the trigger script's users) without growing by the users' ids. Two different
 * texts share a digest about once in 18 million sets of a million.
 */
export class DigestSet {
  /** Each digest's high and low 32 bits; a slot whose low word is 0 is free (a digest's low bit is always set). */
  #high = new Uint32Array(INITIAL_SLOTS);
  #low = new Uint32Array(INITIAL_SLOTS);
  #size = 0;

  /** Texts in the set. */
  get size(): number {
    return this.#size;
  }

  /** True, and remembered, when `text` is not in the set yet. */
  addNew(text: string): boolean {
    const digest = createHash('sha256').update(text).digest();
    const high = digest.readUInt32LE(0);
    const low = (digest.readUInt32LE(4) | 1) >>> 0;
    const mask = this.#low.length - 1;
    let slot = high & mask;
    for (; this.#low[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.#low[slot] === low && this.#high[slot] === high) return false;
    }
    this.#high[slot] = high;
    this.#low[slot] = low;
    if (++this.#size > MAX_LOAD * this.#low.length) this.#grow();
    return true;
  }

  clear(): void {
    this.#high = new Uint32Array(INITIAL_SLOTS);
    this.#low = new Uint32Array(INITIAL_SLOTS);
    this.#size = 0;
  }

  /** Moves every digest into a table twice as large. */
  #grow(): void {
    const [high, low] = [this.#high, this.#low];
    this.#high = new Uint32Array(high.length * 2);
    this.#low = new Uint32Array(low.length * 2);
    const mask = this.#low.length - 1;
    for (let from = 0; from < low.length; from++) {
      if (low[from] === 0) continue;
      let slot = high[from] & mask;
      while (this.#low[slot] !== 0) slot = (slot + 1) & mask;
      this.#high[slot] = high[from];
      this.#low[slot] = low[from];
    }
  }
}
