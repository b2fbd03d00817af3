import type { Db } from 'jovo-framework';
import { type SubscriberState } from 'alexa-proactive-events';
import { REGIONS, REGION_ORIGINS, SubscriberStateSchema, originOf } from 'alexa-proactive-events/internal';

/** Where the plugin keeps a user's state inside Jovo's user data (`this.$user.$data`). */
export const STATE_KEY = 'proactive';

/** A user's stored notification state, with their id. */
export interface SubscriberRecord extends SubscriberState {
  userId: string;
}

/**
 * Reads one user's state from any Jovo database (FileDb, DynamoDB, ...) by user id, outside a request: for
 * sending to a user who is not talking to the skill. `undefined` when the skill has no state for that user.
 * A user who disabled the skill has an empty subscription list and nothing else.
 */
export async function readSubscriber(db: Db, userId: string, columnName = 'userData'): Promise<SubscriberRecord | undefined> {
  const row = (await db.load(userId)) as Record<string, unknown> | undefined;
  const state = columnState(row?.[columnName]);
  return state && { userId, ...state };
}

/** The stored state if it has the expected shape; anything else (a hand-edited file, say) counts as none. */
export function parseState(value: unknown): SubscriberState | undefined {
  const parsed = SubscriberStateSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The state kept in a user's column of Jovo user data (`<column>.data.proactive`), if it has the expected shape. */
export function columnState(column: unknown): SubscriberState | undefined {
  return parseState((column as { data?: Record<string, unknown> } | undefined)?.data?.[STATE_KEY]);
}

/**
 * The column of Jovo's user data in an app's database: JovoUser's `columnName` (the name Jovo saves under), or
 * Jovo's default `userData`. The plugin and the stores read it alike.
 */
export function userDataColumn(app: { config?: unknown } | undefined): string {
  return (app?.config as { plugin?: { JovoUser?: { columnName?: string } } } | undefined)?.plugin?.JovoUser?.columnName || 'userData';
}

/** Users a count reads at most: a check reports "at least" beyond it. */
export const MAX_COUNTED_USERS = 100_000;

/** What the skill knows of its subscribers, as counts: never a user id. */
export interface SubscriberCounts {
  /** Users with a notification state on record, those who disabled the skill included. */
  users: number;
  /** For each published event, its subscribers by region: NA, EU, FE, or the origin of another allowed host. */
  events: Record<string, Record<string, number>>;
  /** Users subscribed to a published event with no region stored: a Unicast goes to the trigger's region for them. */
  withoutRegion: number;
  /** More users are stored than were counted (MAX_COUNTED_USERS). */
  truncated: boolean;
}

/** The counts of these stored states (Jovo user data's `proactive` values, as stored: anything else counts as none). */
export function countSubscribers(stored: Iterable<unknown>, published: readonly string[], truncated = false): SubscriberCounts {
  const counts: SubscriberCounts = { users: 0, events: Object.fromEntries(published.map((name) => [name, {}])), withoutRegion: 0, truncated };
  for (const value of stored) {
    const state = parseState(value);
    if (!state) continue;
    counts.users++;
    const subscribed = (state.subscriptions ?? []).filter((name) => published.includes(name));
    if (subscribed.length > 0 && !state.apiEndpoint) counts.withoutRegion++;
    if (!state.apiEndpoint) continue;
    const region = regionName(state.apiEndpoint);
    for (const name of subscribed) counts.events[name][region] = (counts.events[name][region] ?? 0) + 1;
  }
  return counts;
}

/** Amazon's name for the region of an origin (NA, EU, FE), or the origin itself (the emulator, say). */
export function regionName(apiEndpoint: string): string {
  const origin = originOf(apiEndpoint) ?? apiEndpoint;
  return REGIONS.find((region) => REGION_ORIGINS[region] === origin) ?? origin;
}
