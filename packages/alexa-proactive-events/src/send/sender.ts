import type { EventName } from '../events/names';
import { networkCause, postJson, type PostJson } from './http';
import { messageOf, verdictFor } from './outcomes';
import { REGION_ORIGINS, eventsUrl, originOf, tokenOrigins, type Region, type Stage } from './regions';
import type { RequestDraft } from '../request/build';
import { validateRequest, type ProactiveEvent, type ValidationResult } from '../request/validate';
import type { SendResult } from './result';
import { sendRecord, type SendRecord } from './record';
import { TokenError, type TokenClient, type TokenClientOptions, type TokenErrorCode } from './token';
import type { Issue } from '../issues';

/**
 * When to try again. Only 429, 500, 502, 503, 504, network errors and timeouts are retried, with exponential
 * backoff and full jitter (a random pause up to `baseDelayMs * 2^(attempt-1)`, at most `maxDelayMs`), or as
 * long as Amazon's `Retry-After` asks. At most `attempts` requests in `maxElapsedMs`; then `failed`, with the
 * last cause. A refused access token is renewed once, without a pause.
 */
export interface RetryPolicy {
  /** Requests at most, the first included. @default 6 (DEFAULT_RETRY) */
  attempts: number;
  /** No further attempt once this many milliseconds have passed since the first. @default 60_000 (DEFAULT_RETRY) */
  maxElapsedMs: number;
  /** The longest pause after the first attempt, doubled after each next one. @default 250 (DEFAULT_RETRY) */
  baseDelayMs: number;
  /** No pause is longer (but a longer `Retry-After` is followed). @default 8_000 (DEFAULT_RETRY) */
  maxDelayMs: number;
}
/** 6 attempts within 60 s, pauses of up to 250 ms × 2^(attempt−1), at most 8 s. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, maxElapsedMs: 60_000, baseDelayMs: 250, maxDelayMs: 8_000 };

/** How a sender gets tokens, where it may send them, and how it retries. */
export interface SenderOptions {
  /** Where access tokens come from: one client per set of credentials, so that its cache serves every send. */
  tokens: TokenClient;
  /**
   * Origins besides Amazon's three hosts that may receive the access token, such as the local emulator:
   * `scheme://host[:port]`. Any other `apiEndpoint` is refused before anything is sent; an entry that is no origin
   * is refused with an OptionsError.
   * @default []
   */
  allowedOrigins?: readonly string[] | undefined;
  /**
   * The stage of sends that name none: `development` reaches the developer's test devices only,
   * `live` needs a certified skill.
   * @default 'development'
   */
  stage?: Stage | undefined;
  /**
   * The events the skill publishes (its manifest's `events.publications`); others are refused before sending.
   * @default undefined: every event is allowed
   */
  publishedEvents?: readonly EventName[];
  /**
   * Merged over DEFAULT_RETRY field by field.
   * @default DEFAULT_RETRY: 6 attempts within 60 s, pauses from 250 ms up to 8 s
   * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html (Response codes)
   */
  retry?: Partial<RetryPolicy>;
  /**
   * Per request, connection included, in milliseconds.
   * @default 10_000
   */
  timeoutMs?: number;
  /**
   * The HTTP transport.
   * @default postJson: Node's http with keep-alive connections, never following a redirect
   */
  post?: TokenClientOptions['post'];
  /**
   * How to pause between attempts; tests record the pauses instead.
   * @default a promise of setTimeout
   */
  sleep?: (ms: number) => Promise<void>;
  /**
   * A number in [0, 1), for the jitter.
   * @default Math.random
   */
  random?: () => number;
  /**
   * Milliseconds since the epoch: a request's expiry is checked against it before sending.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Gets one record per send, whatever its outcome, refusals before sending included (`formatSendRecord` makes a
   * log line of it). What it throws is ignored: a record never changes a send.
   * @default undefined: no records are made
   */
  onSend?: (record: SendRecord) => void;
}

/** Where one event goes: Amazon's host for a region, or an explicit origin (the emulator, say). */
export interface SendTarget {
  /** @default 'NA' */
  region?: Region;
  /** An origin instead of a region: a user's `context.System.apiEndpoint`, or an allowed origin. */
  apiEndpoint?: string;
  /** Default: the sender's stage. */
  stage?: Stage;
}

/**
 * `Body` when its type leaves the payload open, else `never`: a body typed `unknown` or `any` (JSON read from a
 * file), or one whose event's payload is (`buildRequest` of an `UntypedEvent`). The sender takes such a body and
 * checks it at run time only; a body typed otherwise must match its event's schema.
 */
// `unknown extends T` holds only for `unknown` and `any`, so a wrongly typed payload cannot pass as an untyped one.
export type UntypedBody<Body> = unknown extends Body
  ? Body
  : Body extends { event: { payload: infer Payload } }
    ? unknown extends Payload
      ? Body
      : never
    : never;

/** What `check` found: the send's refusals and warnings before anything would go, and whether a token was had. */
export interface SendCheck {
  errors: Issue[];
  warnings: Issue[];
  /** Where it would go; null when `apiEndpoint` is no origin. */
  origin: string | null;
  stage: Stage;
  token: { ok: true } | { ok: false; code: TokenErrorCode; message: string };
}

/**
 * Sends Proactive Events: validates each before anything leaves, sends the access token only to allowed
 * origins, maps Amazon's answer through one table, and retries what is worth retrying. `send` never throws for
 * an expected outcome; every outcome, failures included, is in the result.
 * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html
 */
export class ProactiveEventsSender {
  readonly #tokens: TokenClient;
  readonly #origins: Set<string>;
  readonly #stage: Stage;
  readonly #published?: readonly EventName[];
  readonly #retry: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #post: PostJson;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #onSend?: (record: SendRecord) => void;
  /** The token a 403 last made the sender fetch, and when. */
  #renewedFor403?: { token: string; at: number };

  constructor(options: SenderOptions) {
    this.#tokens = options.tokens;
    this.#origins = tokenOrigins(options.allowedOrigins);
    this.#stage = options.stage ?? 'development';
    this.#published = options.publishedEvents;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#post = options.post ?? postJson;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#onSend = options.onSend;
  }

  /** Amazon's three hosts and the allowed origins: where the access token may go. */
  get origins(): ReadonlySet<string> {
    return this.#origins;
  }

  /** The stage of sends that name none. */
  get stage(): Stage {
    return this.#stage;
  }

  /**
   * Validates `body` (a request body, as `buildRequest` makes it or `validateRequest` returns it) and sends it to
   * `target`: Amazon's host for a region (default NA), or an allowed origin. Resolves with the outcome, whatever it
   * is. The payload's type follows the event's name, so a wrong field or value fails the type check.
   */
  send<Name extends EventName>(body: RequestDraft<ProactiveEvent<Name>>, target?: SendTarget): Promise<SendResult>;
  /**
   * A body whose type says nothing of its payload (`UntypedBody`: JSON read from a file, a draft of an
   * `UntypedEvent`): checked at run time only, as every body is.
   */
  // UntypedBody<Body> written out, so that the signature names no type the entry leaves out.
  send<Body>(
    body: unknown extends Body ? Body : Body extends { event: { payload: infer Payload } } ? (unknown extends Payload ? Body : never) : never,
    target?: SendTarget,
  ): Promise<SendResult>;
  async send(body: unknown, target: SendTarget = {}): Promise<SendResult> {
    return this.#sendAndRecord(body, target);
  }

  /**
   * `send` for one event to many users, one at a time (a fan-out's batch): `body` (a request, as `buildRequest`
   * makes it, whatever its audience) is validated once, here, and the function returned sends it Unicast to
   * `user`, checking only that user and that the event has not expired by then. Each result and record is the
   * one `send` would give for that user's body; a body or user that is not valid gets `send`'s own refusal.
   */
  unicast<Name extends EventName>(body: RequestDraft<ProactiveEvent<Name>>): (user: string, target?: SendTarget) => Promise<SendResult>;
  /** `unicast` of a body whose type says nothing of its payload (see `UntypedBody`). */
  unicast<Body>(
    body: unknown extends Body ? Body : Body extends { event: { payload: infer Payload } } ? (unknown extends Payload ? Body : never) : never,
  ): (user: string, target?: SendTarget) => Promise<SendResult>;
  unicast(body: unknown): (user: string, target?: SendTarget) => Promise<SendResult> {
    const forUser = (user: string) => ({ ...(body as object), relevantAudience: { type: 'Unicast', payload: { user } } });
    // Any user id that is a non-empty string passes the audience's schema as this one does, and changes no warning.
    const validation = this.#validate(forUser('user'));
    const expiry = validation.ok ? Date.parse(validation.request.expiryTime) : Number.NaN;
    return (user, target = {}) => {
      const checked = validation.ok && typeof user === 'string' && user !== '' && expiry > this.#now();
      return this.#sendAndRecord(forUser(user), target, checked ? validation : undefined);
    };
  }

  /** Sends `body` (validated unless `validation` is given, the body's own) and makes its record. */
  async #sendAndRecord(body: unknown, target: SendTarget, validation?: ValidationResult): Promise<SendResult> {
    const startedAt = performance.now();
    const stage = target.stage ?? this.#stage;
    const origin = targetOrigin(target);
    const answers: Array<number | null> = [];
    const result = await this.#send(body, origin, target.apiEndpoint, stage, answers, validation);
    if (this.#onSend) {
      try {
        this.#onSend(sendRecord(result, { origin: result.attempts > 0 ? origin : undefined, stage, latencyMs: performance.now() - startedAt, answers }));
      } catch {
        // A record never changes a send.
      }
    }
    return result;
  }

  /**
   * Everything a send of `body` to `target` would do before it goes out, and nothing after: validates it, checks
   * that the target may receive the access token, and gets a token (from the cache, or one request). Nothing is
   * sent and no record is made; the token itself is never in the answer.
   */
  check<Name extends EventName>(body: RequestDraft<ProactiveEvent<Name>>, target?: SendTarget): Promise<SendCheck>;
  /** `check` of a body whose type says nothing of its payload (see `UntypedBody`). */
  check<Body>(
    body: unknown extends Body ? Body : Body extends { event: { payload: infer Payload } } ? (unknown extends Payload ? Body : never) : never,
    target?: SendTarget,
  ): Promise<SendCheck>;
  async check(body: unknown, target: SendTarget = {}): Promise<SendCheck> {
    const stage = target.stage ?? this.#stage;
    const origin = targetOrigin(target);
    const { errors, warnings } = this.#prepare(body, origin, target.apiEndpoint).result;
    let token: SendCheck['token'] = { ok: true };
    try {
      await this.#tokens.token();
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      token = { ok: false, code: error.code, message: error.message };
    }
    return { errors, warnings, origin: origin ?? null, stage, token };
  }

  async #send(body: unknown, origin: string | undefined, apiEndpoint: string | undefined, stage: Stage, answers: Array<number | null>, validation?: ValidationResult): Promise<SendResult> {
    const { result, ready } = this.#prepare(body, origin, apiEndpoint, validation);
    // The body as given: a field Amazon's documentation does not name is a warning, and goes as the caller sent it.
    return ready ? this.#deliver(body as object, eventsUrl(origin!, stage), result, answers) : result;
  }

  /**
   * The result so far of sending `body` to `origin`: `ready` when it may go, else refused with the reasons.
   * `validation` is the body's, when the caller has it already.
   */
  #prepare(body: unknown, origin: string | undefined, apiEndpoint: string | undefined, validation = this.#validate(body)): { result: SendResult; ready: boolean } {
    const candidate = body as { event?: { name?: unknown }; referenceId?: unknown; relevantAudience?: { payload?: { user?: unknown } } } | null;
    const user = candidate?.relevantAudience?.payload?.user;
    const result: SendResult = {
      event: typeof candidate?.event?.name === 'string' ? candidate.event.name : null,
      referenceId: typeof candidate?.referenceId === 'string' ? candidate.referenceId : null,
      status: 'rejected',
      httpStatus: null,
      requestId: null,
      errors: [],
      warnings: [],
      attempts: 0,
      ...(typeof user === 'string' && { user }),
    };
    result.warnings = [...validation.warnings];
    if (!validation.ok) return { result: { ...result, errors: validation.issues }, ready: false };

    if (!origin || !this.#origins.has(origin)) {
      const message = origin
        ? `${origin} may not receive the access token: only Amazon's hosts (${Object.values(REGION_ORIGINS).join(', ')}) and the sender's allowedOrigins (${[...this.#origins].filter((allowed) => !Object.values(REGION_ORIGINS).includes(allowed as never)).join(', ') || 'none'}) do`
        : 'expected an origin, scheme://host[:port], such as https://api.eu.amazonalexa.com';
      return { result: { ...result, errors: [{ path: 'apiEndpoint', message, value: apiEndpoint }] }, ready: false };
    }
    return { result, ready: true };
  }

  #validate(body: unknown): ValidationResult {
    return validateRequest(body, { publishedEvents: this.#published, now: this.#now() });
  }

  /** Sends `request` to `url` until an outcome, pushing each attempt's HTTP status (null for none) to `answers`. */
  async #deliver(request: object, url: string, result: SendResult, answers: Array<number | null>): Promise<SendResult> {
    const startedAt = this.#now();
    const event = result.event ?? 'this event';
    let renewedToken = false;
    /** True after this send had a token replaced for a 403: the next token is remembered as the 403's. */
    let remember = false;
    let lastCause = '';
    for (let attempt = 1; ; attempt++) {
      let delay: number | undefined;
      let token: string;
      try {
        token = await this.#tokens.token();
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        if (!error.retryable) return { ...result, status: 'rejected', errors: [{ path: '', message: error.message }] };
        lastCause = error.message;
        token = '';
      }
      if (token && remember) {
        this.#renewedFor403 = { token, at: this.#now() };
        remember = false;
      }
      if (token) {
        result.attempts++;
        try {
          const response = await this.#post(url, request, { headers: { authorization: `Bearer ${token}` }, timeoutMs: this.#timeoutMs });
          result.httpStatus = response.status;
          answers.push(response.status);
          result.requestId = (response.headers['x-amzn-requestid'] as string | undefined) ?? null;
          const verdict = verdictFor(response.status, messageOf(response.data), event);
          const rejected = (reason: string): SendResult => ({ ...result, status: 'rejected', errors: [{ path: '', message: `${response.status}: ${reason}` }] });
          switch (verdict.kind) {
            case 'accepted':
            case 'duplicate':
              return { ...result, status: verdict.kind, errors: [] };
            case 'rejected':
              return rejected(verdict.reason);
            case 'forbidden': {
              // A 403 is final for a token that a 403 brought less than 5 minutes ago: a fan-out to users who
              // turned notifications off gets one 403 each, and must not ask for a token each.
              const renewedLately = this.#renewedFor403?.token === token && this.#now() - this.#renewedFor403.at < RENEW_FOR_403_EVERY_MS;
              if (renewedToken || renewedLately) return rejected(verdict.reason);
              // Otherwise once more with a newer token: the one this renewal brings, or the one another request's did.
              remember = this.#tokens.invalidate(token);
              renewedToken = true;
              attempt--; // a renewed token is not a retry
              continue;
            }
            case 'new-token':
              this.#tokens.invalidate(token);
              if (renewedToken) return rejected(verdict.reason);
              renewedToken = true;
              attempt--; // a renewed token is not a retry
              continue;
            case 'retry':
              lastCause = `Amazon answered ${response.status}: ${verdict.reason}`;
              delay = retryAfterMs(response.headers['retry-after'] as string | undefined, this.#now());
          }
        } catch (error) {
          result.httpStatus = null;
          result.requestId = null;
          answers.push(null);
          lastCause = `POST ${url} failed: ${networkCause(error)}`;
        }
      }
      delay ??= this.#random() * Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
      const elapsed = this.#now() - startedAt;
      if (attempt >= this.#retry.attempts || elapsed + delay > this.#retry.maxElapsedMs) {
        const gaveUp = attempt >= this.#retry.attempts ? `after ${attempt} attempts` : `within ${this.#retry.maxElapsedMs / 1000} s`;
        return { ...result, status: 'failed', errors: [{ path: '', message: `Gave up ${gaveUp}; last: ${lastCause}` }] };
      }
      await this.#sleep(delay);
    }
  }
}

/** The origin of a target: Amazon's host for its region (default NA), or its apiEndpoint's; undefined when that is no origin. */
function targetOrigin({ region, apiEndpoint }: SendTarget): string | undefined {
  return apiEndpoint === undefined ? REGION_ORIGINS[region ?? 'NA'] : originOf(apiEndpoint);
}

/** A 403 renews the access token at most once in this long (see the 'forbidden' verdict). */
export const RENEW_FOR_403_EVERY_MS = 5 * 60_000;

/** `Retry-After` in milliseconds: seconds, or an HTTP date; undefined if absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
