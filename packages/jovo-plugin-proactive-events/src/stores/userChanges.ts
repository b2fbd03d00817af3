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

/** This request's changes made again on what another request stored (`this.$proactiveEvents.rebase`), or its data as it is. */
export const pluginRebase: Rebase = (attempted, stored, jovo) => (jovo?.$proactiveEvents ? jovo.$proactiveEvents.rebase(attempted as never, stored as never) : attempted);

/** The version of a user's row as a request loaded it: null when there was none, 0 for a row without a version. */
export type LoadedVersion = number | null;

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
