import type { App } from 'jovo-framework';
// Jovo's Lambda host itself, not Jovo's index: the index also starts two Express apps for its webhook, which a
// Lambda bundle has no use for.
import { Lambda } from 'jovo-framework/dist/src/hosts/Lambda';
import { z } from 'zod';
import { OptionsError, ProactiveEventsError } from 'alexa-proactive-events';
import type { PluginErrorCode } from '../errors';
import type { VerifiedTrigger } from 'alexa-proactive-events/trigger';
import { UserIdSchema, describeIssue, fromZod } from 'alexa-proactive-events/internal';
import type { ProactiveEvents } from '../plugin/ProactiveEvents';
import { MAX_SCHEDULE_NAME_LENGTH } from '../schedules/declaration';
import { describeRun, runSchedule, runUserSchedule, type ScheduleRun } from '../schedules/run';
import { handleQueueEvent, isQueueEvent } from '../fanout/worker';
import type { AdmittedTrigger, TriggerCarrier } from '../trigger/admitted';
import { RefusedError, errorBody, withoutTestHeader, type Refusal } from './envelope';
import { Gate, triggerGate, type DoorOptions } from './gate';
import { answerAtTheDoor } from './triggerPath';

/** The HTTP proxy event of API Gateway (payload 1.0 or 2.0) or a Lambda function URL. */
interface HttpEvent {
  requestContext: object;
  body?: string | null;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
}

/** What the Lambda entry answers an HTTP proxy event with. */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The app a Lambda entry serves, and who may come in. */
export interface LambdaOptions {
  /** The app to serve, made on the first invocation and kept for the container's life. */
  app: () => App;
  /**
   * Who may come in (SKILL_ID, required: Alexa's invocations for another skill are refused, and triggers must be
   * signed for this one) and what triggers are verified against (`triggerSecret`, `stage`). `signatures` is always
   * off here: nothing Lambda receives carries Amazon's signature (Alexa's direct invocations need none, and HTTP
   * events are triggers).
   */
  gate: Omit<DoorOptions, 'signatures'>;
  /**
   * Told of each invocation's start and end: records and metrics (`jovo-plugin-proactive-events/powertools`).
   * @default undefined: no records or metrics are made
   */
  telemetry?: InvocationTelemetry;
}

/** What a Lambda entry tells its records and metrics around each invocation; what it throws is ignored. */
export interface InvocationTelemetry {
  /** At an invocation's start, with Lambda's context: the records carry it (function name, request id, cold start). */
  start(context: unknown): void;
  /** At its end, however it ended: the invocation's metrics go out. */
  flush(): void;
}

/** A Lambda handler: answers through `callback` when Lambda passes one, and as the returned promise's value. */
export type LambdaHandler = (event: unknown, context?: unknown, callback?: (error: unknown, result?: unknown) => void) => Promise<unknown>;

/**
 * The Lambda entry (`exports.handler = createLambdaHandler({ app: () => createApp(), gate })`). It serves both
 * kinds of traffic a skill's function sees: Alexa invoking it (the event is the Alexa request; Lambda's permission
 * for the skill vouches for it, and its applicationId must be the skill's), EventBridge Scheduler invoking it for a
 * schedule of app.json (`{ proactiveEventsSchedule: { name, scheduledTime } }`, IAM vouching), SQS invoking it with
 * the fan-out queue's batches (`{ Records: [...] }` from its event source mapping, IAM vouching; the answer names the
 * batches to deliver again), and signed triggers arriving through
 * API Gateway or a function URL, which admit nothing else: any other HTTP event gets 403 before Jovo or the
 * database are touched. The app is created on the first invocation and kept for the container's life, and with it
 * the access token cache and the replay guard; an HTTP event that is refused is refused before it reaches either. A failure (inside Jovo, or a refused invocation: a
 * `RefusedError` naming its code) is the callback's error, or else a rejection.
 */
export function createLambdaHandler({ app: createApp, gate, telemetry }: LambdaOptions): LambdaHandler {
  if (!gate.skillId && !gate.localSkillId) {
    // Every function's working folder is /var/task: a local identity from it would be every skill's.
    throw new OptionsError('createLambdaHandler', [
      { path: 'gate.skillId', message: 'required (SKILL_ID): Alexa invocations for another skill are refused by it, and triggers are signed for it' },
    ]);
  }
  let served: { app: App; door: Gate } | undefined;
  const serve = () => {
    if (served) return served;
    const app = createApp();
    return (served = { app, door: new Gate({ ...gate, signatures: false, ...triggerGate(app, gate) }) });
  };
  return async (event, context, callback) => {
    let result: unknown;
    quietly(() => telemetry?.start(context));
    try {
      const { app, door } = serve();
      const scheduled = scheduledInvocation(event);
      if (scheduled) result = await runScheduled(app, scheduled, gate.log ?? console.log, deadlineOf(context));
      else if (isQueueEvent(event) && !isHttpEvent(event)) result = await handleQueueEvent(app, pluginOf(app), event, context, deadlineOf(context));
      else if (isHttpEvent(event)) {
        const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
        const headers = lowerCaseKeys(event.headers ?? {});
        const admission = await door.admitHttp(raw, headers, { triggersOnly: true });
        if (!admission.ok) result = reply(admission.refusal);
        else {
          // Jovo's Lambda host treats an event with a body as API Gateway's and answers with statusCode and body.
          const forJovo = { ...event, body: admission.body, isBase64Encoded: false, headers: withoutTestHeader(headers) };
          result = await handleAlexa(app, forJovo, context, admission.trigger, { http: true });
        }
      } else {
        const admission = door.admitInvocation(event);
        if (!admission.ok) throw new RefusedError(admission.refusal);
        result = await handleAlexa(app, admission.body, context, admission.trigger);
      }
    } catch (error) {
      quietly(() => telemetry?.flush());
      if (!callback) throw error;
      callback(error);
      return undefined;
    }
    quietly(() => telemetry?.flush());
    callback?.(null, result);
    return result;
  };
}

/**
 * EventBridge Scheduler's invocation of a schedule: `{ "proactiveEventsSchedule": { "name", "scheduledTime" } }`
 * and nothing else, invoked directly (IAM vouches for it; a function URL never gets here, it has a requestContext).
 * The schedule itself comes from the function's own app.json, never from the event.
 */
const ScheduledInvocationSchema = z.strictObject({
  proactiveEventsSchedule: z.strictObject({
    name: z.string().min(1).max(MAX_SCHEDULE_NAME_LENGTH),
    /** A user's own schedule (`this.$proactiveEvents.schedule`), read from that user's stored data. */
    user: UserIdSchema.optional(),
    scheduledTime: z.iso.datetime({ offset: true }),
  }),
});

type ScheduledInvocation = { name: string; user?: string; scheduledTime: Date };

/** The schedule an invocation names, undefined when it is no schedule's, or an error when it is one malformed. */
function scheduledInvocation(event: unknown): ScheduledInvocation | undefined {
  if (event === null || typeof event !== 'object' || !('proactiveEventsSchedule' in event) || isHttpEvent(event)) return undefined;
  const parsed = ScheduledInvocationSchema.safeParse(event);
  if (!parsed.success) {
    const issue = fromZod(parsed.error.issues, event)[0];
    throw new RefusedError({ status: 400, code: 'BAD_SCHEDULE', message: `a scheduled invocation must be { "proactiveEventsSchedule": { "name", "scheduledTime" } }: ${describeIssue(issue)}` });
  }
  const { name, user, scheduledTime } = parsed.data.proactiveEventsSchedule;
  return { name, ...(user !== undefined && { user }), scheduledTime: new Date(scheduledTime) };
}

/**
 * Runs it, logs one line, and fails the invocation when a send failed after retries, so Scheduler's retries apply.
 * A user's schedule the user no longer has is deleted from Scheduler instead: no retry could send it.
 */
async function runScheduled(app: App, { name, user, scheduledTime }: ScheduledInvocation, log: (line: string) => void, deadline?: number): Promise<ScheduleRun> {
  const run = user === undefined ? await runSchedule(app, name, scheduledTime, { deadline }) : await runUserSchedule(app, user, name, scheduledTime);
  if (run.missing && user !== undefined) {
    const remote = (app.$plugins.get('ProactiveEvents') as ProactiveEvents | undefined)?.remoteUserSchedules;
    await remote?.delete(user, name);
    log(`${describeRun(run)}${remote ? '\n    its EventBridge schedule was deleted' : ''}`);
    return run;
  }
  const line = describeRun(run);
  // Failed after retries, or over the skill's bound on users' schedules: Scheduler's retry policy tries again.
  const fanOut = run.fanOut;
  const incomplete = fanOut && (fanOut.unfinished !== undefined || (fanOut.record.statuses.failed ?? 0) > 0);
  if (run.deferred || incomplete || run.results.some(({ status }) => status === 'failed')) throw new Error(line);
  log(line);
  return run;
}

/**
 * When a run in this invocation must have stopped, to say what it did not finish before Lambda ends it: a minute
 * before the invocation's end (at most 15 minutes), or none outside Lambda.
 */
function deadlineOf(context: unknown): number | undefined {
  const remaining = (context as { getRemainingTimeInMillis?: () => number } | undefined)?.getRemainingTimeInMillis?.();
  return typeof remaining === 'number' ? Date.now() + remaining - Math.min(60_000, remaining / 4) : undefined;
}

/** The app's ProactiveEvents plugin, which the fan-out's worker sends with. */
function pluginOf(app: App): ProactiveEvents {
  const plugin = app.$plugins.get('ProactiveEvents') as ProactiveEvents | undefined;
  if (!plugin) throw new ProactiveEventsError<PluginErrorCode>('ERR_NO_PLUGIN', 'a fan-out batch came in, but the app has no ProactiveEvents plugin: app.use(new ProactiveEvents({ events, ... }))');
  return plugin;
}

/** Telemetry never changes an invocation's outcome. */
function quietly(telling: () => void): void {
  try {
    telling();
  } catch {
    // Records and metrics are lost; the answer is not.
  }
}

/** Jovo's Lambda host, carrying the trigger the gate admitted with the event (the plugin reads it there). */
class LambdaHost extends Lambda implements TriggerCarrier {
  constructor(
    event: unknown,
    context: unknown,
    callback: (error: unknown, result: unknown) => void,
    readonly admittedTrigger?: AdmittedTrigger,
  ) {
    super(event, context, callback);
  }
}

/** How Jovo's Lambda host wraps an answer to an HTTP event (`isApiGateway`: the event has a body). */
const JOVO_HTTP_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' };

async function handleAlexa(app: App, event: unknown, context: unknown, trigger?: VerifiedTrigger, { http = false } = {}): Promise<unknown> {
  const deadline = deadlineOf(context);
  const admitted = trigger && ({ trigger, via: 'door', ...(deadline !== undefined && { deadline }) } as const);
  // Answered here when Jovo's pipeline would add nothing to it (see answerAtTheDoor); Lambda's host writes no files.
  const answer = admitted && (await answerAtTheDoor(app, admitted, { writableFiles: false }));
  if (answer) return http ? { body: JSON.stringify(answer), headers: { ...JOVO_HTTP_HEADERS }, isBase64Encoded: false, statusCode: 200 } : answer;
  return new Promise((resolve, reject) => {
    // Jovo answers through the callback before `handle` settles; if `handle` ends without an answer, or throws
    // past its own error handling, the invocation fails instead of never settling.
    app.handle(new LambdaHost(event, context, (error: unknown, result: unknown) => (error ? reject(error) : resolve(result)), admitted)).then(
      () => reject(new Error('The skill gave no response')),
      reject,
    );
  });
}

/**
 * Where an event comes from, not which fields it happens to have: API Gateway and function URLs always set
 * `requestContext` (and may leave out `body` or `headers`); Alexa's direct invocation never has one.
 */
function isHttpEvent(event: unknown): event is HttpEvent {
  if (event === null || typeof event !== 'object') return false;
  const context = (event as { requestContext?: unknown }).requestContext;
  return context !== null && typeof context === 'object';
}

/** API Gateway 1.0 keeps the header names' case; 2.0 and function URLs lower-case them. */
function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function reply({ status, code, message }: Refusal): HttpResponse {
  return { statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(errorBody(code, message)) };
}
