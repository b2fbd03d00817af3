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

/** Amazon's name for the region of an origin (NA, EU, FE), or the origin itself (the emulator, say). */
export function regionName(apiEndpoint: string): string {
  const origin = originOf(apiEndpoint) ?? apiEndpoint;
  return REGIONS.find((region) => REGION_ORIGINS[region] === origin) ?? origin;
}
