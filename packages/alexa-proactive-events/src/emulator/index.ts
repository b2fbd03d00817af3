import { randomUUID } from 'crypto';
import * as fs from 'fs';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import express, { type Request, type Response } from 'express';
import { describeIssue } from '../issues';
import { printable, quoted } from '../logSafe';
import { PREVIEW_LANGUAGES, previewLocales, previewText } from '../request/preview';
import { validateRequest, type ProactiveEventRequest } from '../request/validate';
import { PROACTIVE_EVENTS_SCOPE } from '../send/token';
import { EVENT_NAMES } from '../events/names';
import { closeWhenAnswered } from './closing';
import { FaultPlan, type FaultOptions } from './faults';
import { NOTIFICATIONS_PAGE } from './page';
import { EmulatedSubscriptions, MAX_USER_LENGTH, PLACEHOLDER_SKILL_ID, subscriptionChangedRequest, tellSkill, type SkillDelivery, type SkillTarget, type Subscriber } from './subscriptions';

/**
 * A local stand-in for Amazon's Login with Amazon token endpoint and Proactive Events API, checking what Amazon
 * checks, so that everything runs and is tested offline.
 * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html
 */
export interface EmulatorOptions {
  /** Default 3001; 0 picks a free port. */
  port?: number;
  host?: string;
  /** Client ids and their secrets; without it, any id and secret get a token. */
  clients?: Readonly<Record<string, string>>;
  /** Lifetime of issued tokens; default 3600 s, as Amazon's. */
  tokenTtlSeconds?: number;
  /** Events the skill may send. Default: those of `skillJsonPath`, or all eight. */
  publishedEvents?: readonly string[];
  /** A built skill.json, whose `events.publications` say what the skill may send. */
  skillJsonPath?: string;
  /**
   * Who subscribed to what, as Alexa keeps it: a Unicast to a user who has not turned on its event gets 403, and
   * a Multicast reaches the users who have. `{}` starts with nobody; users turn events on and off on the page,
   * with `PUT /subscriptions/<user>` or `setSubscriptions`. Without it, every user is subscribed to everything.
   */
  subscribers?: Readonly<Record<string, readonly string[]>>;
  /** The skill told of each subscription change (`AlexaSkillEvent.ProactiveSubscriptionChanged`), as Alexa tells it. */
  skill?: SkillTarget;
  faults?: FaultOptions;
  /** Milliseconds since the epoch, for token expiry; tests move it instead of waiting. */
  now?: () => number;
  /**
   * One line per request (but the page's polls of /events, and /stats): method, path, status, event. Never a token
   * or a secret; what a client chose (a path, a user id, the skill's answer) is escaped, so a line is one line and
   * moves no terminal's cursor.
   */
  log?: (line: string) => void;
  /** How many of the latest requests `received` keeps; default 10,000. */
  receivedLimit?: number;
  /** Client ids that may not use the scope alexa::proactive_events: Login with Amazon answers 400 invalid_scope. */
  clientsWithoutScope?: readonly string[];
  /**
   * Host names the emulator answers besides loopback's (127.0.0.1, localhost, ::1) and `host`: a request whose
   * `Host` names another (a page on another site whose name was rebound to this machine) gets 403.
   */
  hostnames?: readonly string[];
}

export { MAX_SUBSCRIBERS } from './subscriptions';
export type { SkillDelivery, SkillTarget, Subscriber } from './subscriptions';

/** Tokens each emulator keeps at most, the oldest dropped first; expired ones are dropped as new ones are issued. */
export const MAX_LIVE_TOKENS = 1000;

/** An event the emulator accepted, as GET /events lists it. */
export interface AcceptedEvent {
  id: number;
  acceptedAt: string;
  stage: 'development' | 'live';
  event: string;
  referenceId: string;
  /** 'Multicast', or the Unicast user id. */
  audience: string;
  /** The notification text in `locale`, and in every locale it can be previewed in. */
  locale: string;
  text: string;
  texts: Record<string, string>;
  /** The body as it arrived, fields Amazon's documentation does not name included. */
  request: ProactiveEventRequest;
  /** The users it reached when the emulator tracks subscribers (a Multicast's may be none); absent otherwise. */
  reached?: string[];
}

/** An event request the emulator refused as Amazon would (invalid, not published, not subscribed, a repeat); faults are not. */
export interface RefusedEvent {
  id: number;
  refusedAt: string;
  stage: 'development' | 'live';
  /** The event's name as sent, if it had one. */
  event: string | null;
  /** 'Multicast' or the Unicast user id, once the body was valid. */
  audience: string | null;
  status: number;
  message: string;
}

/** Refused event requests each emulator keeps, the oldest dropped first. */
export const MAX_REFUSED = 100;

/** GET /subscriptions: whether the emulator tracks subscribers, the events they may turn on, the skill it tells, and them. */
export interface SubscribersView {
  tracked: boolean;
  events: readonly string[];
  skill: string | null;
  subscribers: Subscriber[];
}

/** A subscription change: the user's subscriptions now, and what the skill answered (null: no skill to tell). */
export interface SubscriptionChange {
  subscriber: Subscriber;
  skill: SkillDelivery | null;
}

/** Every request the emulator got, answered or not. */
export interface ReceivedRequest {
  method: string;
  path: string;
  /** null when the connection was dropped on purpose. */
  status: number | null;
}

/** A running emulator: its URL, what it received and accepted, and handles for tests. */
export interface Emulator {
  url: string;
  close(): Promise<void>;
  /** The latest requests, oldest first, at most `receivedLimit` of them. */
  received: ReceivedRequest[];
  accepted: AcceptedEvent[];
  /** The latest event requests refused as Amazon would refuse them (GET /refused), at most MAX_REFUSED. */
  refused: RefusedEvent[];
  /** Token requests answered with a token. */
  tokensIssued: number;
  /** TCP connections opened to the emulator (keep-alive clients open few). */
  connections: number;
  /** Makes every issued token expired, as if its hour had passed. */
  expireTokens(): void;
  /** Replaces the fault plan (and restarts its script and its count of attempts per event). */
  setFaults(faults: FaultOptions): void;
  /** Forgets accepted events (and with them the referenceIds seen), the request log and the token count. */
  reset(): void;
  /** The tracked users and their subscriptions (empty when every user counts as subscribed). */
  subscribers(): Subscriber[];
  /**
   * Sets the events `user` has turned on (all of them: `[]` turns every one off) and tells the skill, as Alexa
   * does when a user changes them in the Alexa app. Throws, naming each problem, for an event the skill does not
   * publish, or when the emulator does not track subscribers.
   */
  setSubscriptions(user: string, events: readonly string[], locale?: string): Promise<SubscriptionChange>;
  /** Names the skill told of subscription changes (the `skill` option), for a skill started after the emulator. */
  setSkill(skill: SkillTarget | undefined): void;
}

/**
 * Tokens of every emulator in the process, with when they expire: Amazon's access tokens work in every region, so
 * an emulator playing one region accepts the tokens of another.
 */
const issuedTokens = new Map<string, { expiresAt: number; issuer: Emulator }>();

/**
 * Starts an emulator of Amazon's token endpoint and Proactive Events API (`createEmulator({ port: 0 })` picks a free
 * port) and resolves once it listens.
 */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const now = options.now ?? Date.now;
  const ttlMs = (options.tokenTtlSeconds ?? 3600) * 1000;
  const published = options.publishedEvents ?? (options.skillJsonPath ? publicationsOf(options.skillJsonPath) : undefined);
  const seen = new Set<string>(); // stage | referenceId | audience
  let faults = new FaultPlan(options.faults);
  const log = options.log ?? (() => undefined);
  const subscriptions = new EmulatedSubscriptions(options.subscribers);
  let skillTarget = options.skill;

  /** Reads and applies a subscription change, and tells the skill; the problems when it cannot be applied. */
  const changeSubscriptions = async (user: string, body: unknown): Promise<{ ok: true; change: SubscriptionChange } | { ok: false; status: number; problems: string[] }> => {
    if (!subscriptions.tracked) {
      return { ok: false, status: 409, problems: ['This emulator counts every user as subscribed to everything: start it with subscribers (the command line does) to track them'] };
    }
    const read = subscriptions.read(user, body, published ?? EVENT_NAMES);
    if (!read.ok) return { ok: false, status: 400, problems: read.problems };
    subscriptions.set(read.subscriber);
    log(`subscriptions of ${quoted(user, MAX_USER_LENGTH)}: ${printable(read.subscriber.events.join(', ')) || 'none'}`);
    const target = skillTarget;
    if (!target) return { ok: true, change: { subscriber: read.subscriber, skill: null } };
    const request = subscriptionChangedRequest(read.subscriber, emulator.url, target.skillId ?? PLACEHOLDER_SKILL_ID, now());
    const skill = await tellSkill(target, request);
    log(`  ${skill.delivered ? 'told' : 'could not tell'} the skill: ${printable(skill.message)}`);
    return { ok: true, change: { subscriber: read.subscriber, skill } };
  };

  const app = express();
  // Paths are case-sensitive, as Amazon's are: /V1/ProactiveEvents and /stages/Development are no routes.
  app.set('case sensitive routing', true);
  app.disable('x-powered-by');
  const emulator: Emulator = {
    url: '',
    received: [],
    accepted: [],
    refused: [],
    tokensIssued: 0,
    connections: 0,
    // The answers under way are sent with their tokens still good; then the tokens go.
    close: () => closeServer().finally(() => issuedTokens.forEach((token, key) => token.issuer === emulator && issuedTokens.delete(key))),
    expireTokens: () => issuedTokens.forEach((token) => token.issuer === emulator && (token.expiresAt = 0)),
    setFaults: (next) => (faults = new FaultPlan(next)),
    reset: () => {
      emulator.accepted.length = 0;
      emulator.refused.length = 0;
      emulator.received.length = 0;
      requestCount = 0;
      emulator.tokensIssued = 0;
      seen.clear();
    },
    subscribers: () => subscriptions.list(),
    setSubscriptions: async (user, events, locale) => {
      const result = await changeSubscriptions(user, { events, ...(locale !== undefined && { locale }) });
      if (!result.ok) throw new Error(result.problems.join('; '));
      return result.change;
    },
    setSkill: (skill) => (skillTarget = skill),
  };

  // Only requests addressed to the emulator: a page whose site name was rebound to 127.0.0.1 sends its own name.
  const hostnames = new Set(['127.0.0.1', 'localhost', '::1', ...(options.host ? [options.host] : []), ...(options.hostnames ?? [])].map((name) => name.toLowerCase()));
  app.use((req, res, next) => {
    const host = req.headers.host;
    if (host === undefined || hostnames.has(hostnameOf(host))) return next();
    apiError(res, 403, `The emulator answers requests addressed to ${[...hostnames].join(', ')}, not ${JSON.stringify(host.slice(0, 100))}`);
  });
  // No other site's page may use the API: a page on any site can post a form to loopback, and browsers send
  // Origin with it. The emulator's own page sends its own origin (the Host check above vouches for the name).
  app.use((req, res, next) => {
    const { origin, host } = req.headers;
    if (req.method === 'GET' || req.method === 'HEAD' || origin === undefined || origin === `http://${host}`) return next();
    apiError(res, 403, `Browsers may not use the emulator's API from another site (the request comes from ${JSON.stringify(origin.slice(0, 100))})`);
  });

  const receivedLimit = options.receivedLimit ?? 10_000;
  let requestCount = 0;
  let refusedCount = 0;
  app.use((req, res, next) => {
    const entry: ReceivedRequest = { method: req.method, path: req.path, status: null };
    requestCount++;
    if (emulator.received.push(entry) > receivedLimit) emulator.received.splice(0, emulator.received.length - receivedLimit);
    res.on('finish', () => {
      entry.status = res.statusCode;
      // The page asks for /events every second; its polls and /stats would bury Amazon's traffic in the log.
      if (req.method === 'GET' && QUIET_PATHS.includes(req.path)) return;
      log(`${entry.method} ${printable(entry.path)} ${res.statusCode}${res.locals.event ? ` ${printable(res.locals.event as string)}` : ''}`);
    });
    next();
  });

  /** Latency applies to Amazon's answers (tokens and events), not to the page or /events. */
  const delay = async (_req: Request, _res: Response, next: express.NextFunction) => {
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    next();
  };

  // Amazon's SDK writes /auth/O2/token, the documentation /auth/o2/token: both work there, so both work here.
  app.post(['/auth/o2/token', '/auth/O2/token'], delay, express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    if (form.grant_type !== 'client_credentials') return tokenError(res, 400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    // Login with Amazon takes the client's credentials in the form or as HTTP Basic authentication.
    const offered = basicCredentials(req.get('authorization')) ?? [{ id: form.client_id, secret: form.client_secret }];
    const { id: clientId, secret: clientSecret } = offered.find(({ id, secret }) => id !== undefined && options.clients?.[id] === secret) ?? offered[0];
    if (!clientId || !clientSecret) return tokenError(res, 400, 'invalid_request', 'client_id and client_secret are required');
    if (options.clients && options.clients[clientId] !== clientSecret) {
      return tokenError(res, 401, 'invalid_client', 'Client authentication failed');
    }
    if (form.scope !== PROACTIVE_EVENTS_SCOPE || options.clientsWithoutScope?.includes(clientId)) {
      return tokenError(res, 400, 'invalid_scope', 'The request has an invalid parameter : scope');
    }
    const token = `Atc|emulator|${randomUUID()}`;
    issue(token, now() + ttlMs);
    emulator.tokensIssued++;
    res.json({ access_token: token, expires_in: ttlMs / 1000, scope: PROACTIVE_EVENTS_SCOPE, token_type: 'bearer' });
  });

  /** Keeps a new token, dropping this emulator's expired ones and, past MAX_LIVE_TOKENS, its oldest. */
  const mine: string[] = [];
  const issue = (token: string, expiresAt: number) => {
    issuedTokens.set(token, { expiresAt, issuer: emulator });
    mine.push(token);
    while (mine.length > 0 && (mine.length > MAX_LIVE_TOKENS || (issuedTokens.get(mine[0])?.expiresAt ?? 0) <= now())) issuedTokens.delete(mine.shift()!);
  };

  const events = express.Router({ caseSensitive: true });
  // Only POST is the events API; anything else is no route (404), and costs no fault.
  events.use((req, _res, next) => next(req.method === 'POST' ? undefined : 'router'));
  events.use(delay);
  events.use((_req, res, next) => {
    res.set('x-amzn-requestid', randomUUID());
    next();
  });
  // Who is asking comes first, before the body is read and before any fault: Amazon answers a request without a
  // valid token the same, whatever else is wrong with it.
  events.use((req, res, next) => {
    const token = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!token) return apiError(res, 403, 'No access token: send Authorization: Bearer <token from /auth/o2/token>');
    const expiresAt = issuedTokens.get(token)?.expiresAt;
    if (expiresAt === undefined || now() >= expiresAt) return apiError(res, 403, 'The access token is invalid or expired');
    if (!req.is('application/json')) {
      return apiError(res, 415, `Content-Type must be application/json, not ${JSON.stringify(req.get('content-type') ?? 'none')}`);
    }
    next();
  });
  events.use(express.json({ limit: '1mb', type: () => true }));
  events.use((req, res, next) => {
    const fault = faults.next(req.body);
    if (fault.kind === 'drop') return req.socket.destroy();
    if (fault.kind === 'status') {
      if (fault.status === 429) res.set('retry-after', String(faults.retryAfterSeconds));
      return apiError(res, fault.status, `Fault injected by the emulator (${fault.status})`);
    }
    next();
  });
  // A trailing slash is the same path (Express's default), and the stage is read from the path without it.
  events.post(['/', '/stages/development'], (req, res) => {
    const stage = req.path.replace(/\/+$/, '') === '/stages/development' ? 'development' : 'live';
    // An event already expired on arrival is never delivered: refused here, where Amazon's docs say it is deleted.
    const result = validateRequest(req.body, { now: now() });
    const body = req.body as { event?: { name?: unknown } } | undefined;
    const refuse = (status: number, message: string, audience: string | null = null) => {
      const name = typeof body?.event?.name === 'string' ? body.event.name.slice(0, 100) : null;
      if (emulator.refused.push({ id: ++refusedCount, refusedAt: new Date(now()).toISOString(), stage, event: name, audience, status, message }) > MAX_REFUSED) emulator.refused.shift();
      apiError(res, status, message);
    };
    if (!result.ok) return refuse(400, result.issues.map(describeIssue).join('; '));
    const request = result.request;
    res.locals.event = request.event.name;
    if (published && !published.includes(request.event.name)) {
      return refuse(403, `The skill does not publish ${request.event.name}: it is not in events.publications of its manifest`);
    }
    const audience = request.relevantAudience.type === 'Unicast' ? request.relevantAudience.payload.user : 'Multicast';
    if (audience !== 'Multicast' && !subscriptions.isSubscribed(audience, request.event.name)) {
      const now = subscriptions.get(audience)?.events.join(', ') || 'none';
      return refuse(403, `The user is not subscribed to ${request.event.name} (subscribed here to: ${now}; turn it on on the emulator's page or with npx proactive-events subscribe)`, audience);
    }
    const key = `${stage}|${request.referenceId}|${audience}`;
    if (seen.has(key)) return refuse(409, `referenceId ${request.referenceId} was already accepted for this audience`, audience);
    seen.add(key);
    const texts = Object.fromEntries(previewLocales(request).map((locale) => [locale, previewText(request, locale)]));
    const locales = request.localizedAttributes?.map((attributes) => attributes.locale) ?? [];
    // Amazon delivers in any locale; the emulator can only say it in the languages it has texts for.
    const [locale = locales[0] ?? 'en-US', text = `(no preview in ${locales.join(', ')}: the emulator speaks ${PREVIEW_LANGUAGES.join(' and ')})`] =
      Object.entries(texts)[0] ?? [];
    emulator.accepted.push({
      id: emulator.accepted.length + 1,
      acceptedAt: new Date(now()).toISOString(),
      stage,
      event: request.event.name,
      referenceId: request.referenceId,
      audience,
      locale,
      text,
      texts,
      request: req.body as ProactiveEventRequest,
      ...(subscriptions.tracked && { reached: audience === 'Multicast' ? subscriptions.reached(request.event.name) : [audience] }),
    });
    res.status(202).end();
  });
  // Faults and latency apply to the events API only, not to the page or /events.
  app.use('/v1/proactiveEvents', events);

  app.get('/events', (_req, res) => res.json(emulator.accepted));
  app.get('/refused', (_req, res) => res.json(emulator.refused));
  app.get('/subscriptions', (_req, res) => {
    const view: SubscribersView = { tracked: subscriptions.tracked, events: published ?? EVENT_NAMES, skill: skillTarget?.url ?? null, subscribers: subscriptions.list() };
    res.json(view);
  });
  app.put('/subscriptions/:user', express.json({ limit: '16kb', type: () => true }), async (req, res) => {
    const result = await changeSubscriptions(req.params.user, req.body);
    if (!result.ok) return apiError(res, result.status, result.problems.join('; '));
    res.json(result.change);
  });
  app.get('/stats', (_req, res) => {
    const { tokensIssued, connections } = emulator;
    res.json({ accepted: emulator.accepted.length, received: requestCount, tokensIssued, connections });
  });
  app.delete('/events', (_req, res) => {
    emulator.reset();
    res.status(204).end();
  });
  app.get('/', (_req, res) => res.type('html').send(NOTIFICATIONS_PAGE));
  app.use((req: Request, res: Response) => apiError(res, 404, `No route ${req.method} ${req.path}`));
  app.use((error: { type?: string; status?: number }, _req: Request, res: Response, _next: express.NextFunction) => {
    if (error.type === 'entity.parse.failed') return apiError(res, 400, 'The body is not valid JSON');
    apiError(res, error.status && error.status < 500 ? error.status : 500, 'The request cannot be read');
  });

  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port ?? 3001, options.host ?? '127.0.0.1');
    listening.once('listening', () => resolve(listening));
    listening.once('error', reject);
  });
  server.on('connection', () => emulator.connections++);
  const closeServer = closeWhenAnswered(server);
  const address = server.address() as AddressInfo;
  emulator.url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return emulator;
}

/** The host name of a Host header, lower-cased, without its port or an IPv6 address's brackets. */
function hostnameOf(host: string): string {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '');
  return name.toLowerCase();
}

/** Reads that the request log leaves out. */
const QUIET_PATHS = ['/events', '/refused', '/stats', '/subscriptions'];

/** Amazon's error body for the events API. */
function apiError(res: Response, status: number, message: string): void {
  res.status(status).json({ code: status, message });
}

/**
 * The client id and secret of an `Authorization: Basic base64(id:secret)` header, if there is one: as sent, and
 * form-decoded, as RFC 6749 has them form-encoded before base64 (many clients, curl -u among them, do not).
 */
function basicCredentials(header: string | undefined): Array<{ id: string; secret: string }> | undefined {
  const encoded = /^Basic (.+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const sent = { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  try {
    const unescape = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
    return [sent, { id: unescape(sent.id), secret: unescape(sent.secret) }];
  } catch {
    return [sent]; // not form-encoded: a % that starts no escape
  }
}

/** Login with Amazon's error body. */
function tokenError(res: Response, status: number, error: string, description: string): void {
  res.status(status).json({ error, error_description: description });
}

function publicationsOf(skillJsonPath: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(skillJsonPath, 'utf8')) as {
    manifest?: { events?: { publications?: Array<{ eventName: string }> } };
  };
  return (manifest.manifest?.events?.publications ?? []).map((publication) => publication.eventName);
}
