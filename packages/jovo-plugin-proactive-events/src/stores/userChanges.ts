import type { Jovo } from 'jovo-framework';

/**
 * What a store of the plugin does with a save that lost a race: given the request's data for the column and the
 * data now stored, the data to save instead, or undefined to save nothing.
 */
export type Rebase = (attempted: unknown, stored: unknown, jovo?: Jovo) => unknown;

/** Changes one user's column: given what is stored (undefined: nothing), what to store, or undefined to keep it. */
export type UserChange = (stored: unknown) => unknown;

/**
 * A store that changes one user as one step (`updateUser`): no other write of that user comes between its read and
 * its write. SerialFileDb and DynamoDb are; the plugin uses it for what must hold under concurrent requests (a
 * user's schedules and their limit, disabling the skill), and falls back to Jovo's save with any other store.
 */
export interface AtomicUserStore {
  /** Applies `change` to the user's `column`; resolves with what is stored afterwards. */
  updateUser(userId: string, column: string, change: UserChange): Promise<unknown>;
}

/** `db` as an AtomicUserStore, if it is one. */
export function atomicStore(db: unknown): AtomicUserStore | undefined {
  return typeof (db as Partial<AtomicUserStore> | undefined)?.updateUser === 'function' ? (db as AtomicUserStore) : undefined;
}

/**
 * What a request offers the stores for a save that lost a race: the ProactiveEvents plugin sets it as
 * `this.$proactiveEvents`. Declared here, as the stores need it, so that they depend on no module of the plugin.
 */
interface RebasingRequest {
  $proactiveEvents?: { rebase(attempted: unknown, stored: unknown): unknown };
}

/** This request's changes made again on what another request stored (`this.$proactiveEvents.rebase`), or its data as it is. */
export const pluginRebase: Rebase = (attempted, stored, jovo) => {
  const request = jovo as RebasingRequest | undefined;
  return request?.$proactiveEvents ? request.$proactiveEvents.rebase(attempted, stored) : attempted;
};

/**
 * A user's row as a request loaded it: null when there was none; else how many saves it has seen (`version`, 0
 * for a row without one) and which row it is (`born`: a random id given when the plugin's store creates it, absent
 * in rows written before). A row deleted and made again has another `born`, however few saves it has seen.
 */
export type LoadedVersion = { version: number; born?: string } | null;

/**
 * How a save of a request that loaded the user as `loaded` stands to the row `current`: `clear` to write (or no
 * request to check against), `changed` when another request saved meanwhile (rebase), `deleted` when the user was
 * deleted since this request loaded them, whether or not a row was made again since (save nothing: deletion wins).
 */
export function raceOf(loaded: LoadedVersion | undefined, current: LoadedVersion): 'clear' | 'changed' | 'deleted' {
  if (loaded === undefined) return 'clear';
  if (loaded === null) return current === null ? 'clear' : 'changed';
  if (current === null || current.born !== loaded.born) return 'deleted';
  return current.version === loaded.version ? 'clear' : 'changed';
}

/** The version each request loaded of each user, for its save to be conditional on. */
export class LoadedVersions {
  readonly #byRequest = new WeakMap<object, Map<string, LoadedVersion>>();

  get(jovo: object | undefined, userId: string): LoadedVersion | undefined {
    return jovo ? this.#byRequest.get(jovo)?.get(userId) : undefined;
  }

  set(jovo: object | undefined, userId: string, version: LoadedVersion): void {
    if (!jovo) return;
    let versions = this.#byRequest.get(jovo);
    if (!versions) this.#byRequest.set(jovo, (versions = new Map()));
    versions.set(userId, version);
  }
}
