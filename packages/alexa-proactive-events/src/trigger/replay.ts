import { MAX_TRIGGER_BATCH, TRIGGER_MAX_AGE_MS } from './sign';

/** How a request id fared: seen for the first time, seen before, or not remembered because the store is full. */
export type ReplayUse = 'first' | 'replayed' | 'full';

/**
 * Where the request ids of accepted triggers are remembered while they could still be accepted: a ReplayGuard in
 * memory for one process, or a store all processes share (the skill's DynamoDB table on Lambda).
 */
export interface ReplayStore {
  /** `first` the first time `requestId` is seen within the trigger window; it is remembered from then on. */
  use(requestId: string, now: number): ReplayUse | Promise<ReplayUse>;
}

/**
 * How long a request id must be remembered: a trigger stamped up to 5 minutes ahead stays acceptable for 10, to
 * the millisecond (its age is checked inclusively), so a second more.
 */
export const REPLAY_WINDOW_MS = 2 * TRIGGER_MAX_AGE_MS + 1000;

/** Request ids a guard remembers at most; a fan-out of 10,000 users in batches of 100 (the trigger script's default) uses 100. */
export const MAX_REMEMBERED_TRIGGERS = 100_000;

/**
 * Remembers the request ids of accepted triggers while they could still be accepted, so that none is used twice.
 * In memory: one process's guard. Several processes (Lambda containers) each keep their own. It holds at most
 * `capacity` ids; when full it refuses new triggers rather than forget one that could be replayed.
 */
export class ReplayGuard implements ReplayStore {
  readonly #seen = new Map<string, number>(); // request id -> when it may be forgotten

  constructor(private readonly capacity = MAX_REMEMBERED_TRIGGERS) {}

  use(requestId: string, now: number): ReplayUse {
    for (const [id, forgetAt] of this.#seen) {
      if (forgetAt > now) break; // insertion order is time order
      this.#seen.delete(id);
    }
    if (this.#seen.has(requestId)) return 'replayed';
    if (this.#seen.size >= this.capacity) return 'full';
    this.#seen.set(requestId, now + REPLAY_WINDOW_MS);
    return 'first';
  }
}

/** Why a trigger with `requestId` is refused, given how `store` fared with it; undefined the first time. */
export async function checkReplay(store: ReplayStore, requestId: string, now: number): Promise<string | undefined> {
  const use = await store.use(requestId, now);
  if (use === 'replayed') return `request ${requestId} was already used: a replayed trigger`;
  if (use === 'full') {
    return (
      `the replay guard is full: it remembers every trigger accepted in the last ${Math.ceil(REPLAY_WINDOW_MS / 60_000)} minutes, ` +
      `as many as it has room for, and refuses more rather than forget one that could be replayed; ` +
      `send fewer triggers (more users in each, up to ${MAX_TRIGGER_BATCH}), or keep the guard in a store all processes share`
    );
  }
  return undefined;
}
