import type { Db } from 'jovo-framework';
import { SubscriberStateSchema, type SubscriberState } from 'alexa-proactive-events';

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
  const row = (await db.load(userId)) as Record<string, { data?: Record<string, unknown> } | undefined> | undefined;
  const state = parseState(row?.[columnName]?.data?.[STATE_KEY]);
  return state && { userId, ...state };
}

/** The stored state if it has the expected shape; anything else (a hand-edited file, say) counts as none. */
export function parseState(value: unknown): SubscriberState | undefined {
  const parsed = SubscriberStateSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
