import type { Jovo } from 'jovo-framework';
import { Log } from 'jovo-core';
import { admitChange, applySubscriberChange, type SubscriberChange, type SubscriberPolicy, type SubscriberState } from 'alexa-proactive-events';
import { printable } from 'alexa-proactive-events/internal';
import { USER_SCHEDULES_KEY } from '../schedules/users';
import { STATE_KEY, parseState } from '../stores/subscribers';

/** Jovo's user data as a database holds it (`userData` of the item); `data` is `this.$user.$data`. */
export interface UserData {
  data?: Record<string, unknown>;
  [column: string]: unknown;
}

/**
 * One request's changes to its user's notification state, in Jovo's user data, kept in order so that they can be
 * made again on what another request saved meanwhile (`rebase`).
 */
export class StateChanges {
  readonly #applied: SubscriberChange[] = [];
  /** The state as this request loaded it, as stored (read when needed): its tombstone tells whether a disable came after. */
  readonly #loaded: unknown;

  constructor(
    private readonly jovo: Jovo,
    private readonly policy: () => SubscriberPolicy,
  ) {
    this.#loaded = jovo.$user.$data?.[STATE_KEY];
  }

  /** The user's state as this request sees it, or `undefined` if nothing is stored yet. */
  get state(): SubscriberState | undefined {
    return parseState(this.jovo.$user.$data?.[STATE_KEY]);
  }

  /** The state as this request loaded it. */
  get loaded(): SubscriberState | undefined {
    return parseState(this.#loaded);
  }

  /** Applies a change as far as the policy admits it (see `admitChange`); true when the state changed. */
  apply(change: SubscriberChange): boolean {
    const { change: admitted, ignored } = admitChange(change, this.policy());
    for (const reason of ignored) Log.warn(printable(`ProactiveEvents: ${reason}`));
    if (!admitted) return false;
    this.#applied.push(admitted);
    const before = this.state;
    const after = applySubscriberChange(before, admitted);
    if (JSON.stringify(after) === JSON.stringify(before ?? {})) return false;
    // Disabling the skill deletes the user's data, keeping only when it happened.
    this.jovo.$user.$data = admitted.kind === 'skillDisabled' ? { [STATE_KEY]: after } : { ...this.jovo.$user.$data, [STATE_KEY]: after };
    return true;
  }

  /**
   * What this request saves of its user when another request saved the same user after this one loaded it (the
   * plugin's stores: SerialFileDb, DynamoDb): this request's changes made again on the stored state, so that both
   * requests count and the newest skill event wins, whatever order they were saved in. Deletion wins: when a
   * disable was stored after this request loaded the user, nothing this request held of the user comes back (only
   * a skill event newer than the disable changes the state); when this request's own disable still applies, all
   * of the user's data goes. Otherwise the rest of the user data is this request's, but for the user's own
   * schedules, which only ever change in the store itself (`schedule`, `unschedule`), so the stored ones stay.
   */
  rebase(attempted: UserData, stored: UserData | undefined): UserData | undefined {
    const storedState = parseState(stored?.data?.[STATE_KEY]);
    const disabledMeanwhile = storedState?.disabledAt !== undefined && storedState.disabledAt !== this.loaded?.disabledAt;
    let state = storedState;
    for (const change of this.#applied) {
      // What a request learned of a user who has since disabled the skill (their region, locale, time zone) is theirs no more.
      if (disabledMeanwhile && (change.kind === 'request' || change.kind === 'timeZone')) continue;
      state = applySubscriberChange(state, change);
    }
    const withState = (data: Record<string, unknown>) => (state ? { ...data, [STATE_KEY]: state } : data);
    if (state?.disabledAt !== storedState?.disabledAt) return { data: withState({}) };
    if (disabledMeanwhile) return { ...stored, data: withState(withoutKeys(stored?.data, [STATE_KEY])) };
    const schedules = stored?.data?.[USER_SCHEDULES_KEY];
    const data = withoutKeys(attempted.data, [STATE_KEY, USER_SCHEDULES_KEY]);
    return { ...attempted, data: withState(schedules === undefined ? data : { ...data, [USER_SCHEDULES_KEY]: schedules }) };
  }
}

function withoutKeys(data: Record<string, unknown> | undefined, keys: readonly string[]): Record<string, unknown> {
  const copy = { ...(data ?? {}) };
  for (const key of keys) delete copy[key];
  return copy;
}
