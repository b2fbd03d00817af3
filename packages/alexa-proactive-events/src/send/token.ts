import { z } from 'zod';
import { ProactiveEventsError, type ProactiveEventsErrorCode } from '../errors';
import { OptionsError, type Issue } from '../issues';
import type { IncomingHttpHeaders } from 'http';
import { networkCause, postJson, type PostJson } from './http';
import type { Holds, SameType } from '../typeCheck';

/**
 * Access tokens for the Proactive Events API: Login with Amazon's client-credentials grant.
 * @see https://developer.amazon.com/docs/smapi/proactive-events-api.html (Get an access token)
 */
export const LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';
/** The scope of an access token for the Proactive Events API. */
export const PROACTIVE_EVENTS_SCOPE = 'alexa::proactive_events';

/** Where the right credentials are; users often take a Login with Amazon security profile's instead. */
export const CREDENTIALS_HINT =
  "Use the skill's Alexa Skill Messaging client id and secret as clientId and clientSecret: developer console, " +
  'your skill, Build > Permissions, at the bottom; or `ask smapi get-skill-credentials -s <skillId>`. ' +
  'Not the credentials of a Login with Amazon security profile.';

/** Keeps the `post` option's written-out type the transport's. */
export type PostOptionMatchesPostJson = Holds<SameType<NonNullable<TokenClientOptions['post']>, PostJson>>;

/** The skill's credentials, and where and how tokens are fetched. */
export interface TokenClientOptions {
  /** The skill's Alexa Skill Messaging client id (developer console, the skill, Build > Permissions). */
  clientId: string;
  /** Its client secret; kept in a private field, never logged. */
  clientSecret: string;
  /**
   * Login with Amazon's token endpoint; the emulator's `<url>/auth/o2/token` for local runs.
   * @default LWA_TOKEN_URL ('https://api.amazon.com/auth/o2/token')
   * @see https://developer.amazon.com/docs/smapi/proactive-events-api.html (Get an access token)
   */
  tokenUrl?: string | undefined;
  /**
   * The HTTP transport, the sender's. It resolves for every HTTP status (`data`: the body, parsed when it is JSON),
   * and rejects only when no answer came.
   * @default postJson: Node's http with keep-alive connections, never following a redirect
   */
  // PostJson written out, so that the entry's users can read and implement it.
  post?: (
    url: string,
    body: unknown,
    options: { headers?: Record<string, string>; timeoutMs: number },
  ) => Promise<{ status: number; headers: IncomingHttpHeaders; data: unknown }>;
  /**
   * Milliseconds since the epoch; tests move it instead of waiting.
   * @default Date.now
   */
  now?: () => number;
  /**
   * A token request not answered within this many milliseconds fails (retryable).
   * @default 10_000
   */
  timeoutMs?: number;
  /**
   * Gets one record per request to Login with Amazon (a `TokenRecord`), whatever its outcome; never the
   * token or the secret. What it throws is ignored.
   * @default undefined: no records are made
   */
  onRequest?: (record: TokenRecord) => void;
}

/** One request for an access token: how it ended and how long it took. */
export interface TokenRecord {
  ok: boolean;
  /** Login with Amazon's HTTP status; null when it gave no answer. */
  httpStatus: number | null;
  /** Why no token came, when none did. */
  code?: TokenErrorCode;
  latencyMs: number;
}

/** Why no token could be had: the credentials (`ERR_INVALID_CLIENT`), the scope, another refusal, or no answer. */
export type TokenErrorCode = Extract<ProactiveEventsErrorCode, 'ERR_INVALID_CLIENT' | 'ERR_INVALID_SCOPE' | 'ERR_TOKEN_REFUSED' | 'ERR_TOKEN_UNAVAILABLE'>;

/** A token could not be had. `retryable` when it may work later (5xx, 429, network); never carries a secret. */
export class TokenError extends ProactiveEventsError<TokenErrorCode> {
  override readonly name = 'TokenError';
  readonly retryable: boolean;
  readonly httpStatus?: number;
  constructor({ code, message, retryable, httpStatus }: { code: TokenErrorCode; message: string; retryable: boolean; httpStatus?: number }) {
    super(code, message);
    this.retryable = retryable;
    this.httpStatus = httpStatus;
  }
}

const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().refine((type) => type.toLowerCase() === 'bearer', 'expected a bearer token'),
});
const ErrorResponseSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** Renew this long before expiry, as Amazon's SDK does (less for tokens that live under two minutes). */
const REFRESH_MARGIN_MS = 60_000;

/**
 * Gets and caches one access token for the proactive events scope. The token is reused until 60 s before it
 * expires; callers asking while a request is under way share it, so a hundred sends at once make one request.
 * The secret and the token are kept in private fields: printing the client shows neither.
 */
export class TokenClient {
  readonly clientId: string;
  readonly tokenUrl: string;
  /** How many token requests were made (for tests and benchmarks). */
  requests = 0;
  readonly #clientSecret: string;
  readonly #post: PostJson;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  #cached?: { token: string; refreshAt: number };
  #pending?: Promise<string>;
  readonly #onRequest?: (record: TokenRecord) => void;

  constructor({ clientId, clientSecret, tokenUrl = LWA_TOKEN_URL, post = postJson, now = Date.now, timeoutMs = 10_000, onRequest }: TokenClientOptions) {
    // From JavaScript, unset environment variables arrive here as undefined: Amazon would answer invalid_client.
    const issues: Issue[] = [];
    for (const [name, value] of Object.entries({ clientId, clientSecret } as Record<string, unknown>)) {
      // Only an empty value is shown: anything else given as a secret may be one.
      if (value === '') issues.push({ path: name, message: 'must not be empty', value });
      else if (typeof value !== 'string') issues.push({ path: name, message: value === undefined ? 'required: a string' : `expected a string, not ${value === null ? 'null' : typeof value}` });
    }
    if (issues.length > 0) throw new OptionsError('TokenClient', issues, CREDENTIALS_HINT);
    this.clientId = clientId;
    this.tokenUrl = tokenUrl;
    this.#clientSecret = clientSecret;
    this.#post = post;
    this.#now = now;
    this.#timeoutMs = timeoutMs;
    this.#onRequest = onRequest;
  }

  /** A valid access token, from the cache or from Login with Amazon. Rejects with a TokenError. */
  token(): Promise<string> {
    if (this.#cached && this.#now() < this.#cached.refreshAt) return Promise.resolve(this.#cached.token);
    this.#pending ??= this.#recorded(this.#fetch()).finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /**
   * Forgets `token` if it is the cached one: Amazon refused it, so the next call fetches a new one. False when it
   * is not (another caller has had it replaced already).
   */
  invalidate(token: string): boolean {
    if (this.#cached?.token !== token) return false;
    this.#cached = undefined;
    return true;
  }

  /** `fetching`, with its record given to `onRequest` once it settles. */
  async #recorded(fetching: Promise<string>): Promise<string> {
    if (!this.#onRequest) return fetching;
    const startedAt = performance.now();
    const record = (fields: Omit<TokenRecord, 'latencyMs'>) => {
      try {
        this.#onRequest?.({ ...fields, latencyMs: Math.round(performance.now() - startedAt) });
      } catch {
        // A record never changes a token request.
      }
    };
    try {
      const token = await fetching;
      record({ ok: true, httpStatus: 200 });
      return token;
    } catch (error) {
      if (error instanceof TokenError) record({ ok: false, httpStatus: error.httpStatus ?? null, code: error.code });
      throw error;
    }
  }

  async #fetch(): Promise<string> {
    const startedAt = this.#now();
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.clientId,
      client_secret: this.#clientSecret,
      scope: PROACTIVE_EVENTS_SCOPE,
    });
    this.requests++;
    let response;
    try {
      response = await this.#post(this.tokenUrl, form, { timeoutMs: this.#timeoutMs });
    } catch (error) {
      // A transport's error may hold the request, secret included: only the cause goes on.
      throw new TokenError({ code: 'ERR_TOKEN_UNAVAILABLE', retryable: true, message: `POST ${this.tokenUrl} failed: ${networkCause(error)}` });
    }
    const where = `POST ${this.tokenUrl} answered ${response.status}`;
    if (response.status === 200) {
      const parsed = TokenResponseSchema.safeParse(response.data);
      if (!parsed.success) {
        throw new TokenError({ code: 'ERR_TOKEN_UNAVAILABLE', retryable: false, httpStatus: 200, message: `${where} without a usable bearer token` });
      }
      const lifetime = parsed.data.expires_in * 1000;
      this.#cached = { token: parsed.data.access_token, refreshAt: startedAt + lifetime - Math.min(REFRESH_MARGIN_MS, lifetime / 2) };
      return parsed.data.access_token;
    }
    const body = ErrorResponseSchema.safeParse(response.data);
    const reason = body.success ? `${body.data.error}${body.data.error_description ? `: ${body.data.error_description}` : ''}` : 'no error description';
    if (body.success && body.data.error === 'invalid_client') {
      throw new TokenError({
        code: 'ERR_INVALID_CLIENT',
        retryable: false,
        httpStatus: response.status,
        message: `Login with Amazon refused client id ${this.clientId} (${reason}). ${CREDENTIALS_HINT}`,
      });
    }
    if (body.success && body.data.error === 'invalid_scope') {
      throw new TokenError({
        code: 'ERR_INVALID_SCOPE',
        retryable: false,
        httpStatus: response.status,
        message:
          `Login with Amazon will not give client id ${this.clientId} the scope ${PROACTIVE_EVENTS_SCOPE} (${reason}): these are not a skill's ` +
          `Alexa Skill Messaging credentials, or the skill has no events.publications in its deployed manifest (add the events it sends there, then deploy the skill). ${CREDENTIALS_HINT}`,
      });
    }
    const retryable = response.status === 429 || response.status >= 500;
    throw new TokenError({
      code: retryable ? 'ERR_TOKEN_UNAVAILABLE' : 'ERR_TOKEN_REFUSED',
      retryable,
      httpStatus: response.status,
      message: `${where} (${reason})`,
    });
  }
}
