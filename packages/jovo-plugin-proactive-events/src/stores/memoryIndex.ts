import type { IndexEntry, IndexedSubscriber } from './subscriberIndex';

/** For each event, the ids of its subscribers under each key (a zone, or a region). */
type ByEvent = Map<string, Map<string, Set<string>>>;

/**
 * The subscriber indexes SerialFileDb keeps in memory beside its rows: each subscriber under their zone and their
 * region, per event, so a listing reads the ids of the zones it names and nobody else's. Users subscribed to
 * nothing are in neither, as in DynamoDB's sparse indexes.
 */
export class MemoryIndex {
  readonly #entries = new Map<string, IndexEntry>();
  readonly #byZone: ByEvent = new Map();
  readonly #byRegion: ByEvent = new Map();

  /** Puts the user under `entry`'s zone and region for each of its events, and nowhere else; undefined: nowhere. */
  set(userId: string, entry: IndexEntry | undefined): void {
    const before = this.#entries.get(userId);
    if (before) {
      for (const event of before.events) {
        remove(this.#byZone, event, before.zone, userId);
        remove(this.#byRegion, event, before.region, userId);
      }
      this.#entries.delete(userId);
    }
    if (!entry) return;
    this.#entries.set(userId, entry);
    for (const event of entry.events) {
      add(this.#byZone, event, entry.zone, userId);
      add(this.#byRegion, event, entry.region, userId);
    }
  }

  /** The subscribers of `event` under each of `keys` (zones or regions, each once), as they are now. */
  list(event: string, by: 'zone' | 'region', keys: readonly string[]): IndexedSubscriber[] {
    const index = (by === 'zone' ? this.#byZone : this.#byRegion).get(event);
    return keys.flatMap((key) =>
      [...(index?.get(key) ?? [])].map((userId) => {
        const { zone, region } = this.#entries.get(userId)!;
        return { userId, zone, region };
      }),
    );
  }

  /** Every zone with a subscriber to any event. */
  zones(): string[] {
    return [...new Set([...this.#byZone.values()].flatMap((zones) => [...zones.keys()]))].sort();
  }
}

function add(index: ByEvent, event: string, key: string, userId: string): void {
  let keys = index.get(event);
  if (!keys) index.set(event, (keys = new Map()));
  let users = keys.get(key);
  if (!users) keys.set(key, (users = new Set()));
  users.add(userId);
}

/** Takes the user out, and drops what is left empty, so that `zones()` names only zones with subscribers. */
function remove(index: ByEvent, event: string, key: string, userId: string): void {
  const keys = index.get(event);
  const users = keys?.get(key);
  if (!keys || !users) return;
  users.delete(userId);
  if (users.size === 0) keys.delete(key);
  if (keys.size === 0) index.delete(event);
}
