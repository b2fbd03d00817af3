import { randomUUID } from 'crypto';
import { z } from 'zod';
import { formatPath } from '../issues';
import { printable, quoted } from '../logSafe';
import { LOCALE_PATTERN } from '../request/validate';

/** A user's notifications as Alexa keeps them: the events they turned on, and the locale they speak. */
export interface Subscriber {
  user: string;
  events: string[];
  locale: string;
}

/** Where the emulator tells the skill of subscription changes, as Alexa does: its webhook, and its id. */
export interface SkillTarget {
  url: string;
  /** `context.System.application.applicationId` of the requests; default a placeholder id. */
  skillId?: string;
}

/** What the skill answered to a subscription change: `delivered` when it answered 2xx. */
export interface SkillDelivery {
  delivered: boolean;
  /** The skill's HTTP status; null when it could not be reached. */
  status: number | null;
  message: string;
}

/** The users one emulator keeps at most; a new user past it is refused. */
export const MAX_SUBSCRIBERS = 10_000;
/** The longest user id the emulator takes (Alexa's are about 200 characters). */
export const MAX_USER_LENGTH = 512;
/** The skill id of subscription changes when the emulator was given none. */
export const PLACEHOLDER_SKILL_ID = 'amzn1.ask.skill.00000000-0000-0000-0000-000000000000';
const SKILL_TIMEOUT_MS = 10_000;

/** `PUT /subscriptions/<user>`: the events the user has on now (all of them: an empty list turns every one off). */
const ChangeSchema = z.strictObject({
  events: z.array(z.string()).max(100),
  locale: z.string().regex(LOCALE_PATTERN, 'expected a locale like "en-US"').optional(),
});

/**
 * Who subscribed to what, for the one region an emulator plays. Tracked, a Unicast to a user who has not turned
 * on its event is refused and a Multicast reaches the users who have; untracked, every user counts as subscribed
 * to everything and a Multicast reaches "every subscriber".
 */
export class EmulatedSubscriptions {
  readonly tracked: boolean;
  readonly #users = new Map<string, Subscriber>();

  constructor(initial: Readonly<Record<string, readonly string[]>> | undefined) {
    this.tracked = initial !== undefined;
    for (const [user, events] of Object.entries(initial ?? {})) this.#users.set(user, { user, events: [...events], locale: 'en-US' });
  }

  list(): Subscriber[] {
    return [...this.#users.values()];
  }

  get(user: string): Subscriber | undefined {
    return this.#users.get(user);
  }

  isSubscribed(user: string, event: string): boolean {
    return !this.tracked || (this.#users.get(user)?.events.includes(event) ?? false);
  }

  /** The tracked users a Multicast of `event` reaches. */
  reached(event: string): string[] {
    return this.list().filter(({ events }) => events.includes(event)).map(({ user }) => user);
  }

  /**
   * Reads a change (`{ events, locale? }`) for `user`: the subscriber it makes, or what is wrong with it, each
   * problem naming the field, the value and what is allowed.
   */
  read(user: string, body: unknown, published: readonly string[]): { ok: true; subscriber: Subscriber } | { ok: false; problems: string[] } {
    if (user.length === 0 || user.length > MAX_USER_LENGTH) return { ok: false, problems: [`user: expected 1 to ${MAX_USER_LENGTH} characters, not ${user.length}`] };
    if (!this.#users.has(user) && this.#users.size >= MAX_SUBSCRIBERS) return { ok: false, problems: [`user: the emulator keeps at most ${MAX_SUBSCRIBERS} users`] };
    const parsed = ChangeSchema.safeParse(body);
    if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => `${formatPath(issue.path) || '(the body)'}: ${issue.message}`) };
    const problems = parsed.data.events.flatMap((event, i) =>
      published.includes(event) ? [] : [`events[${i}]: ${quoted(event)} is not an event this skill publishes; it publishes ${published.join(', ')}`],
    );
    if (problems.length > 0) return { ok: false, problems };
    const events = published.filter((event) => parsed.data.events.includes(event));
    return { ok: true, subscriber: { user, events, locale: parsed.data.locale ?? this.#users.get(user)?.locale ?? 'en-US' } };
  }

  set(subscriber: Subscriber): void {
    this.#users.set(subscriber.user, subscriber);
  }
}

/**
 * The `AlexaSkillEvent.ProactiveSubscriptionChanged` Alexa sends when a user turns notifications on or off: the
 * events the user is still subscribed to, and this emulator as the user's region (`apiEndpoint`).
 * @see https://developer.amazon.com/docs/smapi/skill-events-in-alexa-skills.html
 */
export function subscriptionChangedRequest(subscriber: Subscriber, apiEndpoint: string, skillId: string, now: number): object {
  return {
    version: '1.0',
    context: { System: { application: { applicationId: skillId }, user: { userId: subscriber.user }, apiEndpoint } },
    request: {
      type: 'AlexaSkillEvent.ProactiveSubscriptionChanged',
      requestId: `amzn1.echo-api.request.${randomUUID()}`,
      timestamp: new Date(now).toISOString(),
      locale: subscriber.locale,
      body: { subscriptions: subscriber.events.map((eventName) => ({ eventName })) },
    },
  };
}

/** Posts a skill event to the skill's webhook and says what came back. */
export async function tellSkill(target: SkillTarget, request: object): Promise<SkillDelivery> {
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(SKILL_TIMEOUT_MS),
    });
    const text = await response.text();
    if (response.ok) return { delivered: true, status: response.status, message: `the skill at ${target.url} answered ${response.status}` };
    const why = errorMessage(text);
    const hint = response.status === 403 ? ' (a skill that verifies signatures refuses the emulator, which cannot sign as Alexa: run the skill with signature checks off, on loopback only)' : '';
    // The skill's answer is printed where the change was made (a terminal, the page, the emulator's log).
    return { delivered: false, status: response.status, message: `the skill at ${target.url} answered ${response.status}${why ? `: ${printable(why)}` : ''}${hint}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    return { delivered: false, status: null, message: `the skill at ${target.url} could not be reached (${cause}): is it running?` };
  }
}

/** The message of a JSON error body (`{ error: { message } }`, the plugin's doors), or the start of the text. */
function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // not JSON
  }
  return text.slice(0, 200);
}
