import { randomUUID } from 'crypto';
import { describeIssue } from '../issues';
import { PREVIEW_LANGUAGES, previewLocales, previewText } from '../request/preview';
import { validateRequest, type ProactiveEventRequest } from '../request/validate';
import { apiError, hasBodyOfType, isPath, readJson, type Exchange, type Handler } from './exchange';
import type { FaultPlan } from './faults';
import type { EventRecords } from './records';
import type { EmulatedSubscriptions } from './subscriptions';
import type { IssuedTokens } from './tokens';

/** The events API's paths: the live stage, and the development stage. */
const LIVE = '/v1/proactiveEvents';
const DEVELOPMENT = '/v1/proactiveEvents/stages/development';

/** What the events API checks and where it keeps what it took. */
export interface EventsApiOptions {
  tokens: IssuedTokens;
  records: EventRecords;
  subscriptions: EmulatedSubscriptions;
  /** The events the skill publishes; undefined: any. */
  published: readonly string[] | undefined;
  /** The fault plan in force (it can be replaced while the emulator runs). */
  faults: () => FaultPlan;
  latency: () => Promise<void>;
  now: () => number;
}

/**
 * `POST /v1/proactiveEvents[/stages/development]`: who is asking first (before the body is read and before any
 * fault: Amazon answers a request without a valid token the same, whatever else is wrong with it), then the body,
 * the faults, and what Amazon checks. Only POST is the events API: anything else is no route, and costs no fault.
 * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html
 */
export function eventsApi(options: EventsApiOptions): Handler {
  return async (exchange) => {
    const { method, path, req, res } = exchange;
    if (method !== 'POST' || !(isPath(path, LIVE) || isPath(path, DEVELOPMENT))) return false;
    await options.latency();
    res.setHeader('x-amzn-requestid', randomUUID());
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return refused(exchange, 403, 'No access token: send Authorization: Bearer <token from /auth/o2/token>');
    if (!options.tokens.accepts(token)) return refused(exchange, 403, 'The access token is invalid or expired');
    if (!hasBodyOfType(req, 'application/json')) {
      return refused(exchange, 415, `Content-Type must be application/json, not ${JSON.stringify(req.headers['content-type'] ?? 'none')}`);
    }
    const body = await readJson(req, 1024 * 1024);
    const faults = options.faults();
    const fault = faults.next(body);
    if (fault.kind === 'drop') {
      req.socket.destroy();
      return true;
    }
    if (fault.kind === 'status') {
      if (fault.status === 429) res.setHeader('retry-after', String(faults.retryAfterSeconds));
      return refused(exchange, fault.status, `Fault injected by the emulator (${fault.status})`);
    }
    take(exchange, body, isPath(path, DEVELOPMENT) ? 'development' : 'live', options);
    return true;
  };
}

/** Answers an API error; true, for the handler to return. */
function refused({ res }: Exchange, status: number, message: string): true {
  apiError(res, status, message);
  return true;
}

/** Checks the event as Amazon does, and accepts it (202) or refuses it, keeping either. */
function take(exchange: Exchange, body: unknown, stage: 'development' | 'live', { records, subscriptions, published, now }: EventsApiOptions): void {
  const refuse = (status: number, message: string, audience: string | null = null) => {
    const name = (body as { event?: { name?: unknown } }).event?.name;
    records.refuse({ refusedAt: new Date(now()).toISOString(), stage, event: typeof name === 'string' ? name.slice(0, 100) : null, audience, status, message });
    apiError(exchange.res, status, message);
  };
  // An event already expired on arrival is never delivered: refused here, where Amazon's docs say it is deleted.
  const result = validateRequest(body, { now: now() });
  if (!result.ok) return refuse(400, result.issues.map(describeIssue).join('; '));
  const request = result.request;
  exchange.event = request.event.name;
  if (published && !published.includes(request.event.name)) {
    return refuse(403, `The skill does not publish ${request.event.name}: it is not in events.publications of its manifest`);
  }
  const audience = request.relevantAudience.type === 'Unicast' ? request.relevantAudience.payload.user : 'Multicast';
  if (audience !== 'Multicast' && !subscriptions.isSubscribed(audience, request.event.name)) {
    const current = subscriptions.get(audience)?.events.join(', ') || 'none';
    return refuse(403, `The user is not subscribed to ${request.event.name} (subscribed here to: ${current}; turn it on on the emulator's page or with PUT /subscriptions/<user>)`, audience);
  }
  if (!records.firstOf(stage, request.referenceId, audience)) return refuse(409, `referenceId ${request.referenceId} was already accepted for this audience`, audience);
  records.accept({
    acceptedAt: new Date(now()).toISOString(),
    stage,
    event: request.event.name,
    referenceId: request.referenceId,
    audience,
    ...spoken(request),
    request: body as ProactiveEventRequest,
    ...(subscriptions.tracked && { reached: audience === 'Multicast' ? subscriptions.reached(request.event.name) : [audience] }),
  });
  exchange.res.writeHead(202).end();
}

/** The notification text in its first locale, and in every locale it can be previewed in. */
function spoken(request: ProactiveEventRequest): { locale: string; text: string; texts: Record<string, string> } {
  const texts = Object.fromEntries(previewLocales(request).map((locale) => [locale, previewText(request, locale)]));
  const locales = request.localizedAttributes?.map((attributes) => attributes.locale) ?? [];
  // Amazon delivers in any locale; the emulator can only say it in the languages it has texts for.
  const [locale = locales[0] ?? 'en-US', text = `(no preview in ${locales.join(', ')}: the emulator speaks ${PREVIEW_LANGUAGES.join(' and ')})`] =
    Object.entries(texts)[0] ?? [];
  return { locale, text, texts };
}
