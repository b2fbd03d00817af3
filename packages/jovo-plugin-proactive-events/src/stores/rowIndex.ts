import type { IndexEntry, IndexedSubscriber } from './subscriberIndex';

/** A row of the users file, parsed, and where it lies. */
export interface FoundRow {
  value: Record<string, unknown>;
  start: number;
  end: number;
}

/** Reads the row that starts at a byte offset (SerialFileDb reads it from the file, synchronously). */
export type ReadRow = (start: number) => FoundRow;

/** A user's row as `find` found it: `slot` names it to `update` and `remove`, within the same operation. */
export interface Found extends FoundRow {
  slot: number;
}

/** Slots of a new table; always a power of two. */
const INITIAL_SLOTS = 1024;
/** The table grows when live and removed slots fill this share of it: linear probing stays short below it. */
const MAX_LOAD = 0.7;
/** A slot's start when it never held a row, and when its row was removed (a probe goes on past it). */
const EMPTY = -1;
const REMOVED = -2;

/**
 * Where each user's row starts in SerialFileDb's file, and their subscriber index entry, in memory that does not
 * hold the users' ids: an open-addressing table of typed arrays, 16 bytes a slot (a 32-bit hash of the id, the
 * row's start, the entry's number), some 25–45 bytes a user. A Map of ids took some 300 bytes a user, the memory
 * that grew with the users file.
 *
 * An id is found by its hash, and confirmed by reading the row there (`find`): a row read is what a lookup does
 * anyway, and a second id with the same hash costs one more read, never a wrong row. A listing reads the ids of the
 * rows it lists from the file, in file order.
 */
export class RowIndex {
  #hashes = new Uint32Array(INITIAL_SLOTS);
  #starts = new Float64Array(INITIAL_SLOTS).fill(EMPTY);
  /** The entry's number + 1, or 0 for a user subscribed to nothing. */
  #entryOf = new Uint32Array(INITIAL_SLOTS);
  /** Slots holding a row, and slots holding a row or once holding one (REMOVED). */
  #live = 0;
  #used = 0;
  /** The distinct entries (zone, region, events), each numbered once, with the users that have each. */
  readonly #entries: IndexEntry[] = [];
  readonly #numbers = new Map<string, number>();
  readonly #users: number[] = [];

  /**
   * @param keyOf the user id of a row (its key column), or undefined for a row that is no user's.
   * @param hash an id's 32-bit hash (tests give one that collides).
   */
  constructor(
    readonly keyOf: (row: Record<string, unknown>) => string | undefined,
    readonly hash: (userId: string) => number = hashOf,
  ) {}

  /** Users with a row. */
  get size(): number {
    return this.#live;
  }

  /** The user's current row, read by `read`, or undefined when the index has none for them. */
  find(userId: string, read: ReadRow): Found | undefined {
    const hash = this.hash(userId) >>> 0;
    for (let slot = hash & this.#mask(); ; slot = (slot + 1) & this.#mask()) {
      const start = this.#starts[slot];
      if (start === EMPTY) return undefined;
      if (start === REMOVED || this.#hashes[slot] !== hash) continue;
      const row = read(start);
      if (this.keyOf(row.value) === userId) return { ...row, slot };
    }
  }

  /** Adds a user the index does not hold (`find` said so), whose row starts at `start`. */
  add(userId: string, start: number, entry: IndexEntry | undefined): void {
    if (this.#used + 1 > MAX_LOAD * this.#hashes.length) this.#resize();
    const hash = this.hash(userId) >>> 0;
    let slot = hash & this.#mask();
    while (this.#starts[slot] >= 0) slot = (slot + 1) & this.#mask();
    if (this.#starts[slot] === EMPTY) this.#used++;
    this.#live++;
    this.#hashes[slot] = hash;
    this.#starts[slot] = start;
    this.#entryOf[slot] = this.#number(entry);
  }

  /** Moves the user `find` found to their new row at `start`, with its entry. */
  update(found: Found, start: number, entry: IndexEntry | undefined): void {
    this.#release(found.slot);
    this.#starts[found.slot] = start;
    this.#entryOf[found.slot] = this.#number(entry);
  }

  /** Takes out the user `find` found. */
  remove(found: Found): void {
    this.#release(found.slot);
    this.#starts[found.slot] = REMOVED;
    this.#entryOf[found.slot] = 0;
    this.#live--;
  }

  /** Whether the row at `start`, whose id is `userId`, is that user's current row (no read: a start is one row's). */
  isCurrent(userId: string, start: number): boolean {
    return this.#slotAt(userId, start) >= 0;
  }

  /** Moves the user's current row from `from` to `to` (compaction writing it elsewhere). */
  move(userId: string, from: number, to: number): void {
    const slot = this.#slotAt(userId, from);
    if (slot >= 0) this.#starts[slot] = to;
  }

  /** The subscribers of `event` under each of `keys` (zones or regions), each key's in file order. */
  list(event: string, by: 'zone' | 'region', keys: readonly string[], read: ReadRow): IndexedSubscriber[] {
    const wanted = new Map<number, number>(); // entry number + 1 → the key's place in `keys`
    this.#entries.forEach((entry, number) => {
      const place = keys.indexOf(entry[by]);
      if (place >= 0 && this.#users[number] > 0 && entry.events.includes(event)) wanted.set(number + 1, place);
    });
    const rows: Array<Array<[start: number, number: number]>> = keys.map(() => []);
    if (wanted.size > 0) {
      for (let slot = 0; slot < this.#starts.length; slot++) {
        const place = this.#starts[slot] >= 0 ? wanted.get(this.#entryOf[slot]) : undefined;
        if (place !== undefined) rows[place].push([this.#starts[slot], this.#entryOf[slot]]);
      }
    }
    return rows.flatMap((each) =>
      each
        .sort(([a], [b]) => a - b)
        .flatMap(([start, number]) => {
          const userId = this.keyOf(read(start).value);
          const { zone, region } = this.#entries[number - 1];
          return userId === undefined ? [] : [{ userId, zone, region }];
        }),
    );
  }

  /** Every zone with a subscriber to any event. */
  zones(): string[] {
    return [...new Set(this.#entries.filter((_, number) => this.#users[number] > 0).map((entry) => entry.zone))].sort();
  }

  #mask(): number {
    return this.#hashes.length - 1;
  }

  /** The slot of the user's row at `start`, or -1. */
  #slotAt(userId: string, start: number): number {
    const hash = this.hash(userId) >>> 0;
    for (let slot = hash & this.#mask(); ; slot = (slot + 1) & this.#mask()) {
      const at = this.#starts[slot];
      if (at === EMPTY) return -1;
      if (at === start && this.#hashes[slot] === hash) return slot;
    }
  }

  /** The number (+ 1) of `entry`, counting one more user for it; 0 for none. */
  #number(entry: IndexEntry | undefined): number {
    if (!entry) return 0;
    const key = JSON.stringify(entry);
    let number = this.#numbers.get(key);
    if (number === undefined) {
      number = this.#entries.push(entry) - 1;
      this.#numbers.set(key, number);
      this.#users.push(0);
    }
    this.#users[number]++;
    return number + 1;
  }

  /** The slot's user no longer counts for its entry. */
  #release(slot: number): void {
    const number = this.#entryOf[slot];
    if (number > 0) this.#users[number - 1]--;
  }

  /** Rehashes into a table twice as large when it is more than half live, else the same size without removed slots. */
  #resize(): void {
    const [hashes, starts, entries] = [this.#hashes, this.#starts, this.#entryOf];
    const size = this.#live * 2 >= hashes.length ? hashes.length * 2 : hashes.length;
    this.#hashes = new Uint32Array(size);
    this.#starts = new Float64Array(size).fill(EMPTY);
    this.#entryOf = new Uint32Array(size);
    this.#used = this.#live;
    const mask = size - 1;
    for (let from = 0; from < starts.length; from++) {
      if (starts[from] < 0) continue;
      let slot = hashes[from] & mask;
      while (this.#starts[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.#hashes[slot] = hashes[from];
      this.#starts[slot] = starts[from];
      this.#entryOf[slot] = entries[from];
    }
  }
}

/** FNV-1a over the id's UTF-16 code units, then murmur3's finalizer, so that the low bits a slot takes are mixed. */
export function hashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
