import { createHash } from 'crypto';

/**
 * A set of texts that keeps 64 bits of each one's SHA-256 (an 8-character string), not the text: some 45 bytes a
 * text, whatever its length, for what must remember every user of a run (the emulator's referenceIds per audience,
 * the trigger script's users). Two different texts share a digest about once in 37 million sets of a million.
 */
export class DigestSet {
  readonly #digests = new Set<string>();

  /** True, and remembered, when `text` is not in the set yet. */
  addNew(text: string): boolean {
    const digest = createHash('sha256').update(text).digest().toString('latin1', 0, 8);
    if (this.#digests.has(digest)) return false;
    this.#digests.add(digest);
    return true;
  }

  clear(): void {
    this.#digests.clear();
  }
}
