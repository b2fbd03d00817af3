/**
 * Where the replay guard keeps a trigger's request id in a user store shared by every container (DynamoDB): the
 * item `trigger#<request id>`, beside the users. No user id may start with it, so the two key spaces never meet:
 * the doors refuse such a request, and the store refuses such a user.
 */
export const REPLAY_KEY_PREFIX = 'trigger#';

/** Where a budget shared by every container (DynamoDB) counts a minute's sends: `limit#<name>#<minute>`. */
export const LIMIT_KEY_PREFIX = 'limit#';

/**
 * Where DynamoDb keeps what its subscriber index needs beside the users: `index#zones`, the zones that have had a
 * subscriber (so a run finds its zones without a Scan).
 */
export const INDEX_KEY_PREFIX = 'index#';

/** The item that holds, in its string set `zones`, every zone DynamoDb has indexed a subscriber in. */
export const SUBSCRIBER_ZONES_KEY = `${INDEX_KEY_PREFIX}zones`;

/** Why `userId` cannot be a user's key, or undefined. */
export function reservedUserIdProblem(userId: string): string | undefined {
  if (userId.startsWith(REPLAY_KEY_PREFIX)) return `starts with "${REPLAY_KEY_PREFIX}", which is kept for the replay guard's items; no Alexa user id does`;
  if (userId.startsWith(LIMIT_KEY_PREFIX)) return `starts with "${LIMIT_KEY_PREFIX}", which is kept for the send budget's items; no Alexa user id does`;
  if (userId.startsWith(INDEX_KEY_PREFIX)) return `starts with "${INDEX_KEY_PREFIX}", which is kept for the subscriber index's items; no Alexa user id does`;
  return undefined;
}
