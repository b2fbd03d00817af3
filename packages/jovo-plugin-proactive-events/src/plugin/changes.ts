import type { Jovo } from 'jovo-framework';
import { Log } from 'jovo-core';
import { admitChange, applySubscriberChange, type SubscriberChange, type SubscriberPolicy, type SubscriberState } from 'alexa-proactive-events';
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
  /** True when this request's disabling of the skill deleted the user's other data. */
  #wiped = false;

  constructor(
    private readonly jovo: Jovo,
    private readonly policy: () => SubscriberPolicy,
  ) {}

  /** The user's state as this request sees it, or `undefined` if nothing is stored yet. */
  get state(): SubscriberState | undefined {
    return parseState(this.jovo.$user.$data?.[STATE_KEY]);
  }

  /** Applies a change as far as the policy admits it (see `admitChange`); true when the state changed. */
  apply(change: SubscriberChange): boolean {
    const { change: admitted, ignored } = admitChange(change, this.policy());
    for (const reason of ignored) Log.warn(`ProactiveEvents: ${reason}`);
    if (!admitted) return false;
    this.#applied.push(admitted);
    const before = this.state;
    const after = applySubscriberChange(before, admitted);
    if (JSON.stringify(after) === JSON.stringify(before ?? {})) return false;
    this.jovo.$user.$data = { ...this.jovo.$user.$data, [STATE_KEY]: after };
    if (admitted.kind === 'skillDisabled') {
      // Disabling the skill deletes the user's data, keeping only when it happened.
      this.jovo.$user.$data = { [STATE_KEY]: after };
      this.#wiped = true;
    }
    return true;
  }

  /**
   * What this request saves of its user when another request saved the same user after this one loaded it (see
   * DynamoDb): this request's changes made again on the stored state, so that both requests count and the newest
   * skill event wins, whatever order they were saved in. The rest of the user data stays as this request left it,
   * unless this request's disabling of the skill no longer applies, which leaves the stored data.
   */
  rebase(attempted: UserData, stored: UserData | undefined): UserData {
    let state = parseState(stored?.data?.[STATE_KEY]);
    let disabled = false;
    for (const change of this.#applied) {
      const next = applySubscriberChange(state, change);
      if (change.kind === 'skillDisabled' && JSON.stringify(next) !== JSON.stringify(state ?? {})) disabled = true;
      state = next;
    }
    const others = { ...((this.#wiped ? stored?.data : attempted.data) ?? {}) };
    delete others[STATE_KEY];
    const data = disabled ? {} : others;
    return { ...attempted, data: state ? { ...data, [STATE_KEY]: state } : data };
  }
}
