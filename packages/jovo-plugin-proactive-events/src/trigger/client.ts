import { randomUUID } from 'crypto';
import { z } from 'zod';
import {
  ProactiveEventsError,
  buildRequest,
  validateRequest,
  type EventName,
  type SendResult,
  type Stage,
  type ValidationResult,
} from 'alexa-proactive-events';
import {
  MAX_TRIGGER_BYTES,
  hiddenIntentName,
  triggerRequest,
  type TriggerData,
  type TriggerRequest,
} from 'alexa-proactive-events/trigger';
import {
  REGION_ORIGINS,
  SendResultSchema,
  postJson,
  refusedResult,
  type PostJson,
} from 'alexa-proactive-events/internal';
import type { PluginErrorCode } from '../errors';
import { CHECK_REPORT_KEY, CheckReportSchema, type CheckReport } from './check';
import { FAN_OUT_KEY, FanOutAnswerSchema, type FanOutAnswer } from './fanOutAnswer';

/** The event to trigger: built from flags or read from a file. */
export interface EventToTrigger {
  event: { name: EventName; payload: unknown };
  localizedAttributes?: ReadonlyArray<Record<string, string>>;
}

/** Where a trigger goes and what it asks of the skill. */
export interface TriggerPlan {
  /** The skill's webhook (or function URL). */
  endpoint: string;
  /** The skill's TRIGGER_SECRET. */
  secret: string;
  /** The skill the triggers are for (its SKILL_ID, or `localSkillId` of its project): another refuses them. */
  skillId: string;
  /** The stage of the skill the triggers are for, and send at: a skill at another stage refuses them. */
  stage: Stage;
  /**
   * `context.System.apiEndpoint`: where the skill sends the event.
   * @default 'https://api.amazonalexa.com' (NA)
   */
  apiEndpoint?: string;
  /** True when the caller chose `apiEndpoint`: a Unicast goes there, not to each user's stored region. */
  explicitEndpoint?: boolean;
  /** Unicast to each of these users; Multicast without (and without `userBatches`). */
  users?: readonly string[];
  /**
   * Unicast also to the users of these batches, after `users`, read as the triggers need them and not kept (a users
   * file of any size): each call starts the batches again. The caller gives each user once.
   */
  userBatches?: () => Iterable<readonly string[]>;
  /**
   * Unicast to every user the skill has subscribed to the event, from its own records (`--to subscribers`): one
   * trigger, no users in it; the skill answers with counts (`onFanOut`). Not with `users`.
   */
  toSubscribers?: boolean;
  /** The request's locale. @default 'en-US' */
  locale?: string;
  expiresInMinutes?: number;
  /** The idempotency key, the same for every user of a fan-out. Default: a new UUID. */
  referenceId?: string;
  /** Triggers in flight at once. @default 8 (DEFAULT_CONCURRENCY) */
  concurrency?: number;
  /** Users per trigger of a fan-out. @default 100 (DEFAULT_BATCH_SIZE) */
  batchSize?: number;
}

/** What `triggerEvent` reports as it goes, and how it posts. */
export interface TriggerHooks {
  /** The results of one trigger, as they come: one per user, or one for Multicast (the problems, for `toSubscribers`). */
  onResults?: (results: SendResult[]) => void;
  /** A trigger to every subscriber: the skill's summary of its fan-out. */
  onFanOut?: (answer: FanOutAnswer) => void;
  /**
   * Whether the results are also kept, to resolve with: false for a large fan-out whose results `onResults` counts,
   * so that the memory it takes does not grow with the number of users.
   * @default true
   */
  keepResults?: boolean;
  /** The HTTP transport. Default: the library's `postJson` (kept-alive connections, no redirects). */
  post?: PostJson;
}

/** How long to wait for the skill: it may retry Amazon for up to a minute before it answers. */
const TRIGGER_TIMEOUT_MS = 90_000;
const TRIGGER_ATTEMPTS = 3;
/** Triggers in flight at once (`--concurrency`); the skill sends each trigger's users 8 at a time, so 64 sends are under way. */
export const DEFAULT_CONCURRENCY = 8;
/**
 * Users per trigger of a fan-out (`--batch-size`): one signed request, one pass through Jovo and one replay-guard
 * entry serve them all. Measured on 10,000 users (docs/benchmark.md): 100 a trigger sent about 1.3× as many
 * events a second as 25, and 50 half way between; beyond 100 the skill's sends, not the triggers, are the limit.
 */
export const DEFAULT_BATCH_SIZE = 100;

/** How the skill's doors answer a request they refuse. */
const RefusalSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/**
 * Triggers the skill's hidden intent for an event, as the tutorial's script does, signed: checks the event, then
 * posts one signed trigger for Multicast, or one per batch of users, `concurrency` at a time. A skill that cannot
 * be reached, or answers 429 or 5xx, gets a trigger again, freshly signed. Resolves with a result per user (one for
 * Multicast), in the order they came (none with `keepResults: false`); nothing is sent when the event is invalid.
 */
export async function triggerEvent(event: EventToTrigger, plan: TriggerPlan, { onResults, onFanOut, keepResults = true, post = postJson }: TriggerHooks = {}): Promise<SendResult[]> {
  const referenceId = plan.referenceId ?? randomUUID();
  const checked = checkTriggerEvent(event, { ...plan, referenceId });
  if (!checked.ok) return [{ ...refusedResult(event.event.name, referenceId, '', checked.issues), warnings: checked.warnings }];
  const groups = fittingBatches(event, { ...plan, referenceId });
  const first = groups.next();
  if (!first.done && typeof first.value === 'string') return [refusedResult(event.event.name, referenceId, first.value)];
  const results: SendResult[] = [];
  const report = (batch: SendResult[]) => {
    if (keepResults) results.push(...batch);
    onResults?.(batch);
  };
  // The groups are taken as the workers need them: a users file is read as it is sent, never held whole.
  let pending: IteratorResult<string[] | undefined | string> | undefined = first;
  const take = () => {
    const next = pending ?? groups.next();
    pending = undefined;
    if (next.done) return { done: true as const };
    if (typeof next.value === 'string') {
      report([refusedResult(event.event.name, referenceId, next.value)]);
      return { done: true as const };
    }
    return { done: false as const, users: next.value };
  };
  let finished = false;
  await Promise.all(
    Array.from({ length: plan.concurrency ?? DEFAULT_CONCURRENCY }, async () => {
      while (!finished) {
        const next = take();
        if (next.done) {
          finished = true;
          break;
        }
        const { users } = next;
        const sign = () => signTrigger(event, { ...plan, referenceId }, users);
        const batch = await postTrigger(post, plan.endpoint, sign, event.event.name, referenceId, users, (data) => {
          const answer = FanOutAnswerSchema.safeParse((data as Record<string, unknown> | undefined)?.[FAN_OUT_KEY]);
          if (answer.success) onFanOut?.(answer.data);
        });
        report(batch);
      }
    }),
  );
  return results;
}

/** The event as the skill will check it (the request it would build, validated), before anything is sent. */
export function checkTriggerEvent(event: EventToTrigger, plan: Pick<TriggerPlan, 'users' | 'userBatches' | 'referenceId' | 'expiresInMinutes'>): ValidationResult {
  return validateRequest(buildRequest({ ...event, user: firstUser(plan), referenceId: plan.referenceId, expiresInMinutes: plan.expiresInMinutes }));
}

/** The plan's first user (read from the start of `userBatches` when `users` is empty), or undefined for Multicast. */
function firstUser(plan: Pick<TriggerPlan, 'users' | 'userBatches'>): string | undefined {
  for (const user of usersOf(plan)) return user;
  return undefined;
}

/** Every user of the plan, `users` then those of `userBatches`, read as they are needed. */
function* usersOf(plan: Pick<TriggerPlan, 'users' | 'userBatches'>): Generator<string, void, undefined> {
  yield* plan.users ?? [];
  for (const batch of plan.userBatches?.() ?? []) yield* batch;
}

/** The signed triggers of `plan`, as `triggerEvent` would send them (for a dry run); throws when the event fits in no trigger a door reads. */
export function signTriggers(event: EventToTrigger, plan: TriggerPlan): TriggerRequest[] {
  const referenceId = plan.referenceId ?? randomUUID();
  const triggers: TriggerRequest[] = [];
  for (const users of fittingBatches(event, { ...plan, referenceId })) {
    if (typeof users === 'string') throw new ProactiveEventsError<PluginErrorCode>('ERR_TRIGGER_TOO_LARGE', users);
    triggers.push(signTrigger(event, { ...plan, referenceId }, users));
  }
  return triggers;
}

/**
 * The users of each trigger, as they are needed: batches of `batchSize`, a batch halved again while its signed
 * trigger is larger than a door reads (MAX_TRIGGER_BYTES: long user ids, many localized attributes); undefined once
 * for Multicast. A string says why a batch fits in no trigger (the event alone, or with one user, is too large),
 * and ends the batches.
 */
function* fittingBatches(event: EventToTrigger, plan: TriggerPlan & { referenceId: string }): Generator<string[] | undefined | string, void, undefined> {
  const fit = function* (users: string[] | undefined): Generator<string[] | undefined | string, boolean, undefined> {
    const bytes = Buffer.byteLength(JSON.stringify(signTrigger(event, plan, users)));
    if (bytes <= MAX_TRIGGER_BYTES) {
      yield users;
      return true;
    }
    if (!users || users.length === 1) {
      yield `the trigger is ${Math.ceil(bytes / 1024)} KB, and a skill reads at most ${MAX_TRIGGER_BYTES / 1024} KB: shorten the event's localized attributes`;
      return false;
    }
    return (yield* fit(users.slice(0, users.length >> 1))) && (yield* fit(users.slice(users.length >> 1)));
  };
  if (!plan.users && !plan.userBatches) {
    yield* fit(undefined);
    return;
  }
  const size = plan.batchSize ?? DEFAULT_BATCH_SIZE;
  let batch: string[] = [];
  for (const user of usersOf(plan)) {
    batch.push(user);
    if (batch.length < size) continue;
    if (!(yield* fit(batch))) return;
    batch = [];
  }
  if (batch.length > 0) yield* fit(batch);
}

/** How a skill answered a check trigger: its report, its door's refusal, or no usable answer. */
export type CheckAnswer = { kind: 'report'; report: CheckReport } | { kind: 'refused'; reason: string; status: number } | { kind: 'failed'; cause: string };

/**
 * Posts one signed check trigger for `event` (`doctor`): the skill checks the event and its credentials as a send
 * would, counts its subscribers, and sends nothing. Tried once: a check reports what it finds.
 */
export async function checkSkill(event: EventToTrigger, plan: TriggerPlan, post: PostJson = postJson): Promise<CheckAnswer> {
  const trigger = signTrigger(event, { ...plan, referenceId: plan.referenceId ?? randomUUID() }, undefined, true);
  let response;
  try {
    response = await post(plan.endpoint, trigger, { timeoutMs: TRIGGER_TIMEOUT_MS });
  } catch (error) {
    return { kind: 'failed', cause: `POST ${plan.endpoint} failed: ${networkCause(error)}` };
  }
  const report = CheckReportSchema.safeParse((response.data as Record<string, unknown> | undefined)?.[CHECK_REPORT_KEY]);
  if (response.status === 200 && report.success) return { kind: 'report', report: report.data };
  const refusal = RefusalSchema.safeParse(response.data);
  if (response.status >= 400 && response.status < 500 && refusal.success) return { kind: 'refused', reason: refusal.data.error.message, status: response.status };
  return { kind: 'failed', cause: `${plan.endpoint} answered ${response.status} without a check report: is it this skill's webhook, and is the skill up to date?` };
}

function signTrigger({ event, localizedAttributes }: EventToTrigger, plan: TriggerPlan & { referenceId: string }, users: string[] | undefined, check = false): TriggerRequest {
  const data: TriggerData = {
    event,
    ...(localizedAttributes && { localizedAttributes: [...localizedAttributes] }),
    ...(users && { users }),
    ...(plan.toSubscribers && !users && { toSubscribers: true as const }),
    referenceId: plan.referenceId,
    ...(plan.expiresInMinutes !== undefined && { expiresInMinutes: plan.expiresInMinutes }),
    stage: plan.stage,
    explicitEndpoint: plan.explicitEndpoint ?? false,
    ...(check && { check: true as const }),
  };
  const apiEndpoint = plan.apiEndpoint ?? REGION_ORIGINS.NA;
  return triggerRequest({ skillId: plan.skillId, intent: hiddenIntentName(event.name), data, apiEndpoint, locale: plan.locale ?? 'en-US', secret: plan.secret });
}

/**
 * Posts one trigger and returns a result per user. A door's refusal (4xx) is `rejected`; a skill that cannot be
 * reached, or answers 429 or 5xx, gets it again; after that every user of the batch has `failed`, with the cause.
 */
async function postTrigger(post: PostJson, endpoint: string, sign: () => object, event: string, referenceId: string, users?: string[], onAnswer?: (data: unknown) => void): Promise<SendResult[]> {
  const each = (result: SendResult): SendResult[] => (users ? users.map((user) => ({ ...result, user })) : [result]);
  let cause = '';
  for (let attempt = 1; attempt <= TRIGGER_ATTEMPTS; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 2)));
    try {
      const response = await post(endpoint, sign(), { timeoutMs: TRIGGER_TIMEOUT_MS });
      const results = z.array(SendResultSchema).safeParse((response.data as { proactiveEvents?: unknown } | undefined)?.proactiveEvents);
      if (response.status === 200 && results.success) {
        onAnswer?.(response.data);
        return results.data;
      }
      const refusal = RefusalSchema.safeParse(response.data);
      if (response.status >= 400 && response.status < 500 && response.status !== 429 && refusal.success) {
        // The skill's door turned the trigger away before it reached the hidden intent: a refusal, not a failure.
        return each(refusedResult(event, referenceId, refusal.data.error.message));
      }
      cause = `${endpoint} answered ${response.status}${results.success ? '' : " without a trigger result: is it this skill's webhook, and is the skill up to date?"}`;
      if (response.status !== 429 && response.status < 500) break;
    } catch (error) {
      cause = `POST ${endpoint} failed: ${networkCause(error)}`;
    }
  }
  return each({ ...refusedResult(event, referenceId, cause), status: 'failed' });
}

/** What went wrong with a request that got no answer: `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:3000`. */
function networkCause(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return [code, message ?? String(error)].filter(Boolean).join(': ');
}
