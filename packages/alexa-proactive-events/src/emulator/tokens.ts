import { randomUUID } from 'crypto';
import type { ServerResponse } from 'http';
import { PROACTIVE_EVENTS_SCOPE } from '../send/token';
import { json, readForm, route, type Handler } from './exchange';

/** Tokens each emulator keeps unless told otherwise (`keepTokens`), the oldest dropped first; expired ones are dropped as new ones are issued. */
export const MAX_LIVE_TOKENS = 1000;

/**
 * Tokens of every emulator in the process, with when they expire: Amazon's access tokens work in every region, so
 * an emulator playing one region accepts the tokens of another.
 */
const issuedTokens = new Map<string, { expiresAt: number; issuer: IssuedTokens }>();

/** The tokens one emulator issued, kept in the process's list of tokens every emulator accepts. */
export class IssuedTokens {
  /** Token requests answered with a token. */
  count = 0;
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #keep: number;
  /** This emulator's tokens, oldest first. */
  readonly #mine: string[] = [];

  constructor(now: () => number, ttlMs: number, keep = MAX_LIVE_TOKENS) {
    this.#now = now;
    this.#ttlMs = ttlMs;
    this.#keep = keep;
  }

  /** How long a token lives, in seconds. */
  get ttlSeconds(): number {
    return this.#ttlMs / 1000;
  }

  /** A new token, kept; this emulator's expired ones are dropped and, past its `keep`, its oldest. */
  issue(): string {
    const token = `Atc|emulator|${randomUUID()}`;
    issuedTokens.set(token, { expiresAt: this.#now() + this.#ttlMs, issuer: this });
    this.#mine.push(token);
    this.count++;
    const mine = this.#mine;
    while (mine.length > 0 && (mine.length > this.#keep || (issuedTokens.get(mine[0])?.expiresAt ?? 0) <= this.#now())) issuedTokens.delete(mine.shift()!);
    return token;
  }

  /** True for a token some emulator of this process issued and that has not expired. */
  accepts(token: string): boolean {
    const expiresAt = issuedTokens.get(token)?.expiresAt;
    return expiresAt !== undefined && this.#now() < expiresAt;
  }

  /** Makes every token of this emulator expired, as if its hour had passed. */
  expire(): void {
    issuedTokens.forEach((token) => token.issuer === this && (token.expiresAt = 0));
  }

  /** Forgets every token of this emulator (when it closes). */
  forget(): void {
    issuedTokens.forEach((token, key) => token.issuer === this && issuedTokens.delete(key));
    this.#mine.length = 0;
  }
}

/** What the token endpoint checks. */
export interface TokenEndpointOptions {
  tokens: IssuedTokens;
  /** Client ids and their secrets; without it, any id and secret get a token. */
  clients?: Readonly<Record<string, string>>;
  /** Client ids that may not use the scope alexa::proactive_events. */
  clientsWithoutScope?: readonly string[];
  /** Waits for the fault plan's latency. */
  latency: () => Promise<void>;
}

/**
 * `POST /auth/o2/token`: Login with Amazon's client-credentials grant, the credentials in the form or as HTTP
 * Basic authentication. Amazon's SDK writes /auth/O2/token, the documentation /auth/o2/token: both work there, so
 * both work here.
 * @see https://developer.amazon.com/docs/smapi/proactive-events-api.html (Get an access token)
 */
export function tokenEndpoint({ tokens, clients, clientsWithoutScope, latency }: TokenEndpointOptions): Handler {
  return route('POST', ['/auth/o2/token', '/auth/O2/token'], async ({ req, res }) => {
    await latency();
    const form = await readForm(req, 16 * 1024);
    if (form.get('grant_type') !== 'client_credentials') return tokenError(res, 400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    const offered = basicCredentials(req.headers.authorization) ?? [{ id: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined }];
    const { id: clientId, secret: clientSecret } = offered.find(({ id, secret }) => id !== undefined && clients?.[id] === secret) ?? offered[0];
    if (!clientId || !clientSecret) return tokenError(res, 400, 'invalid_request', 'client_id and client_secret are required');
    if (clients && clients[clientId] !== clientSecret) return tokenError(res, 401, 'invalid_client', 'Client authentication failed');
    if (form.get('scope') !== PROACTIVE_EVENTS_SCOPE || clientsWithoutScope?.includes(clientId)) {
      return tokenError(res, 400, 'invalid_scope', 'The request has an invalid parameter : scope');
    }
    json(res, 200, { access_token: tokens.issue(), expires_in: tokens.ttlSeconds, scope: PROACTIVE_EVENTS_SCOPE, token_type: 'bearer' });
  });
}

/**
 * The client id and secret of an `Authorization: Basic base64(id:secret)` header, if there is one: as sent, and
 * form-decoded, as RFC 6749 has them form-encoded before base64 (many clients, curl -u among them, do not).
 */
function basicCredentials(header: string | undefined): Array<{ id?: string; secret?: string }> | undefined {
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
function tokenError(res: ServerResponse, status: number, error: string, description: string): void {
  json(res, status, { error, error_description: description });
}
