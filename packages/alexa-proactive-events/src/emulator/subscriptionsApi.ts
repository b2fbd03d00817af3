import { printable, quoted } from '../logSafe';
import { apiError, decodedSegment, json, readJson, route, type Handler } from './exchange';
import { MAX_USER_LENGTH, PLACEHOLDER_SKILL_ID, subscriptionChangedRequest, tellSkill, type EmulatedSubscriptions, type SkillTarget } from './subscriptions';
import type { SubscribersView, SubscriptionChange } from './types';

/** Who is subscribed, the events they may turn on, and the skill to tell of a change. */
export interface SubscriptionsApiOptions {
  subscriptions: EmulatedSubscriptions;
  /** The events users may turn on: the skill's publications, or all eight. */
  events: readonly string[];
  /** The skill told of each change, if any (it can be named while the emulator runs). */
  skill: () => SkillTarget | undefined;
  /** The emulator's URL: the region (`apiEndpoint`) of the users it tells the skill about. */
  apiEndpoint: () => string;
  now: () => number;
  log: (line: string) => void;
}

/** A change applied (and the skill told), or why it could not be. */
export type ChangeOutcome = { ok: true; change: SubscriptionChange } | { ok: false; status: number; problems: string[] };

/** Reads and applies a subscription change (`{ events, locale? }`) for `user`, and tells the skill, as Alexa does. */
export async function changeSubscriptions(options: SubscriptionsApiOptions, user: string, body: unknown): Promise<ChangeOutcome> {
  const { subscriptions, log } = options;
  if (!subscriptions.tracked) {
    return { ok: false, status: 409, problems: ['This emulator counts every user as subscribed to everything: start it with subscribers (the command line does) to track them'] };
  }
  const read = subscriptions.read(user, body, options.events);
  if (!read.ok) return { ok: false, status: 400, problems: read.problems };
  subscriptions.set(read.subscriber);
  log(`subscriptions of ${quoted(user, MAX_USER_LENGTH)}: ${printable(read.subscriber.events.join(', ')) || 'none'}`);
  const target = options.skill();
  if (!target) return { ok: true, change: { subscriber: read.subscriber, skill: null } };
  const request = subscriptionChangedRequest(read.subscriber, options.apiEndpoint(), target.skillId ?? PLACEHOLDER_SKILL_ID, options.now());
  const skill = await tellSkill(target, request);
  log(`  ${skill.delivered ? 'told' : 'could not tell'} the skill: ${printable(skill.message)}`);
  return { ok: true, change: { subscriber: read.subscriber, skill } };
}

/** `PUT /subscriptions/<user>`, the user id percent-encoded. */
const USER_PATH = /^\/subscriptions\/([^/]+)\/?$/;

/**
 * `GET /subscriptions` (whether the emulator tracks subscribers, the events they may turn on, the skill it tells,
 * and them) and `PUT /subscriptions/<user>` (a user's events now, as the Alexa app sets them).
 */
export function subscriptionsApi(options: SubscriptionsApiOptions): Handler[] {
  const list = route('GET', ['/subscriptions'], ({ res }) => {
    const { subscriptions, events } = options;
    const view: SubscribersView = { tracked: subscriptions.tracked, events, skill: options.skill()?.url ?? null, subscribers: subscriptions.list() };
    json(res, 200, view);
  });
  const change: Handler = async ({ method, path, req, res }) => {
    const encoded = method === 'PUT' ? USER_PATH.exec(path)?.[1] : undefined;
    if (encoded === undefined) return false;
    const user = decodedSegment(encoded, 'user id');
    const result = await changeSubscriptions(options, user, await readJson(req, 16 * 1024));
    if (result.ok) json(res, 200, result.change);
    else apiError(res, result.status, result.problems.join('; '));
    return true;
  };
  return [list, change];
}
