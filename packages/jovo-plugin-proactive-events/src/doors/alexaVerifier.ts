import { X509Certificate } from 'crypto';
import type { IncomingHttpHeaders } from 'http';
import * as https from 'https';
import type { SkillRequestSignatureVerifier } from 'ask-sdk-express-adapter/dist/verifier';
import { CLOCK_SKEW_MS } from 'alexa-proactive-events';
import type { AlexaEnvelope, Refusal } from './envelope';

/**
 * How late a request may arrive: 150 s, Amazon's tolerance; Alexa skill events (`AlexaSkillEvent.*`) up to an
 * hour, as Amazon may deliver them that late. Amazon's own TimestampVerifier lists five skill events and not
 * `AlexaSkillEvent.ProactiveSubscriptionChanged`, the one this skill lives on, so the rule is written here.
 * @see https://developer.amazon.com/docs/custom-skills/host-a-custom-skill-as-a-web-service.html#timestamp
 */
export const REQUEST_MAX_AGE_MS = CLOCK_SKEW_MS;
export const SKILL_EVENT_MAX_AGE_MS = 60 * 60_000;

/** Downloads of Amazon's signing certificate chain (a few kilobytes) give up after this, all told. */
const DOWNLOAD_TIMEOUT_MS = 5000;
const DOWNLOAD_MAX_BYTES = 64 * 1024;
/**
 * Alexa signs with one certificate at a time, and changes it about once a year: a few downloads at once, and a few a
 * minute, are plenty. A flood of requests naming other files under /echo.api/ cannot make the skill fetch more.
 */
const MAX_DOWNLOADS_IN_FLIGHT = 4;
const MAX_DOWNLOADS_PER_MINUTE = 10;
/** Certificates kept, least recently used dropped first: Alexa's own, used by every request, stays. */
const MAX_CACHED_CERTIFICATES = 16;
/** A URL whose certificate could not be loaded or verified is refused without a download for this long. */
const FAILED_FOR_MS = 60_000;
const MAX_FAILED_URLS = 1024;

export interface AlexaVerifierOptions {
  /** SKILL_ID: a request for another skill is refused. Required when `signatures` is on; without it (signatures off), `applicationId` is not checked. */
  skillId?: string | undefined;
  /**
   * Check Amazon's signature, its certificate and the request's timestamp. Off only where the body cannot carry
   * Amazon's signature: behind the Jovo Webhook relay (`jovo3 run`), which re-serializes it.
   */
  signatures: boolean;
  /** Milliseconds since the epoch; tests move it instead of waiting. */
  now?: () => number;
  /**
   * Fetches the certificate chain at a `SignatureCertChainUrl` that passed Amazon's checks. By default an HTTPS
   * GET with a timeout and a size limit; tests serve their own chains.
   */
  download?: (url: string) => Promise<string>;
}

/**
 * Checks that a request comes from Alexa and is meant for this skill, as Amazon requires of a skill on an HTTPS
 * endpoint: `applicationId` equal to SKILL_ID (a valid signature proves Alexa sent a request, not that it is for
 * this skill), the timestamp, and the signature with Amazon's own `SkillRequestSignatureVerifier`: the certificate
 * URL, the certificate (in date, `echo-api.amazon.com` among its names, chained to a trusted root, cached per URL)
 * and `Signature-256` over the raw body. Cheap checks come first, so a forgery costs no download.
 * @see https://developer.amazon.com/docs/custom-skills/host-a-custom-skill-as-a-web-service.html#verify-request-sent-by-alexa
 */
export class AlexaVerifier {
  #signatures?: SkillRequestSignatureVerifier;

  constructor(private readonly options: AlexaVerifierOptions) {}

  /** Why the request must be refused, or undefined when it may come in. */
  async verify(raw: string, headers: IncomingHttpHeaders, envelope: AlexaEnvelope): Promise<Refusal | undefined> {
    const application = this.checkApplication(envelope);
    if (application || !this.options.signatures) return application;
    const timestamp = this.#checkTimestamp(envelope);
    if (timestamp) return timestamp;
    const refuse = (why: string): Refusal => ({ status: 400, code: 'SIGNATURE_INVALID', message: `Not verified as sent by Alexa: ${why.slice(0, 300)}` });
    const certificate = certificateUrl(headers.signaturecertchainurl);
    if ('problem' in certificate) return refuse(certificate.problem);
    try {
      this.#signatures ??= createSignatureVerifier(this.options);
      // Amazon's verifier checks the URL again; given the normalized one, Node's legacy url.parse never sees junk.
      await this.#signatures.verify(raw, { ...headers, signaturecertchainurl: certificate.url });
      return undefined;
    } catch (error) {
      return refuse(String((error as Error).message));
    }
  }

  /** The applicationId check alone: all that Alexa's direct invocation of a Lambda function needs. */
  checkApplication({ context, session }: AlexaEnvelope): Refusal | undefined {
    const { skillId } = this.options;
    if (!skillId) return undefined;
    const ids = [context.System.application?.applicationId, session?.application?.applicationId];
    if (ids[0] === skillId && (ids[1] === undefined || ids[1] === skillId)) return undefined;
    const given = ids.find((id) => id !== skillId) ?? 'none';
    return { status: 403, code: 'WRONG_SKILL', message: `The request is for the skill ${JSON.stringify(given.slice(0, 100))}, not this one (SKILL_ID)` };
  }

  #checkTimestamp({ request }: AlexaEnvelope): Refusal | undefined {
    const refuse = (why: string): Refusal => ({ status: 400, code: 'TIMESTAMP_INVALID', message: `request.timestamp ${why}` });
    if (request.timestamp === undefined) return refuse('is missing');
    const age = (this.options.now ?? Date.now)() - Date.parse(request.timestamp);
    if (!ISO_DATE_TIME.test(request.timestamp) || Number.isNaN(age)) return refuse(`${JSON.stringify(request.timestamp.slice(0, 40))} is not an ISO 8601 date-time`);
    const skillEvent = request.type.startsWith('AlexaSkillEvent.');
    const maxAge = skillEvent ? SKILL_EVENT_MAX_AGE_MS : REQUEST_MAX_AGE_MS;
    if (age > maxAge) return refuse(`is ${Math.round(age / 1000)} s old; ${skillEvent ? 'skill events' : 'requests'} are accepted for ${maxAge / 1000} s`);
    if (age < -CLOCK_SKEW_MS) return refuse(`is ${Math.round(-age / 1000)} s ahead of this clock; at most ${CLOCK_SKEW_MS / 1000} s are accepted`);
    return undefined;
  }
}

/** As Alexa writes `request.timestamp`: `2026-12-01T22:50:16Z`, with fractions or an offset at most. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * The `SignatureCertChainUrl` header as Amazon allows it, normalized so that one S3 object has one URL, the key of
 * the certificate cache (WHATWG URLs lower-case the host, drop a default port and resolve `..` and `%2e%2e`
 * segments; escapes of unreserved characters are decoded, and a query or fragment, which Amazon's URLs never have,
 * is dropped): https, host s3.amazonaws.com, port 443 if given, a path under /echo.api/, no user info.
 * @see https://developer.amazon.com/docs/custom-skills/host-a-custom-skill-as-a-web-service.html#cert-verify-signature-certificate-url
 */
export function certificateUrl(header: string | string[] | undefined): { url: string } | { problem: string } {
  if (typeof header !== 'string' || header === '') return { problem: 'the SignatureCertChainUrl header is missing' };
  let url: URL;
  try {
    url = new URL(header);
  } catch {
    return { problem: 'SignatureCertChainUrl is not a URL' };
  }
  if (url.protocol !== 'https:') return { problem: `SignatureCertChainUrl must use https, not ${url.protocol.slice(0, -1).slice(0, 20)}` };
  if (url.hostname !== 's3.amazonaws.com') return { problem: `SignatureCertChainUrl must be on s3.amazonaws.com, not ${url.hostname.slice(0, 100)}` };
  if (url.port !== '') return { problem: `SignatureCertChainUrl must use port 443, not ${url.port}` };
  if (url.username || url.password) return { problem: 'SignatureCertChainUrl must not carry a user name or password' };
  const path = url.pathname.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const character = String.fromCharCode(parseInt(hex, 16));
    return /^[A-Za-z0-9._~-]$/.test(character) ? character : escape.toUpperCase();
  });
  if (!path.startsWith('/echo.api/')) return { problem: `SignatureCertChainUrl must have a path under /echo.api/, not ${path.slice(0, 100)}` };
  return { url: `https://s3.amazonaws.com${path}` };
}

/**
 * Amazon's verifier, loaded when first needed (a skill on Lambda never needs it), with its certificate handling
 * bounded: Amazon's has no timeout, size limit or bound on downloads, keeps a certificate past its expiry, and builds
 * a store of every trusted root for each download. Here a download is refused when 4 are under way or 10 were made
 * in the last minute; a URL that failed is refused without a download for a minute; the cache keeps the 16 most
 * recently used certificates in date (an expired one is dropped, so it is fetched and checked again); and the trust
 * store is built once per list of roots. Amazon's checks of the chain and the signature run unchanged.
 */
function createSignatureVerifier({ download = downloadCertificate, now = Date.now }: AlexaVerifierOptions): SkillRequestSignatureVerifier {
  const { SkillRequestSignatureVerifier } = require('ask-sdk-express-adapter/dist/verifier') as typeof import('ask-sdk-express-adapter/dist/verifier');
  buildTrustStoreOnce();
  const pending = new Map<string, Promise<string>>();
  const expiries = new Map<string, number>();
  const failed = new Map<string, number>(); // url -> until when it is refused
  const downloads: number[] = []; // when each download of the last minute started

  interface Internals {
    _getCertChainByUrl(url: string): Promise<string>;
    _loadCertChain(url: string): Promise<string>;
  }

  class Verifier extends SkillRequestSignatureVerifier {
    constructor() {
      super();
      const internals = this as unknown as Internals;
      const load = internals._loadCertChain.bind(this);
      internals._loadCertChain = async (url) => {
        const cached = this.certCache.get(url);
        if (cached !== undefined) {
          // Most recently used last: the cache drops from the front.
          this.certCache.delete(url);
          this.certCache.set(url, cached);
          return cached;
        }
        if ((failed.get(url) ?? 0) > now()) throw new Error(`the certificate at ${url} failed to load or verify within the last minute`);
        try {
          return await load(url);
        } catch (error) {
          if (!(error instanceof DownloadBudgetError)) remember(failed, url, now() + FAILED_FOR_MS, MAX_FAILED_URLS);
          throw error;
        }
      };
      internals._getCertChainByUrl = (url) => {
        let chain = pending.get(url);
        if (!chain) {
          const minuteAgo = now() - 60_000;
          while (downloads.length > 0 && downloads[0] <= minuteAgo) downloads.shift();
          if (pending.size >= MAX_DOWNLOADS_IN_FLIGHT) return Promise.reject(new DownloadBudgetError('too many certificate downloads under way; try again'));
          if (downloads.length >= MAX_DOWNLOADS_PER_MINUTE) return Promise.reject(new DownloadBudgetError('too many certificate downloads in the last minute; try again'));
          downloads.push(now());
          chain = fetchChain(url).finally(() => pending.delete(url));
          pending.set(url, chain);
        }
        return chain;
      };
    }

    override async verify(raw: string, headers: IncomingHttpHeaders): Promise<void> {
      for (const [url, expiry] of expiries) {
        if (expiry <= now()) {
          this.certCache.delete(url);
          expiries.delete(url);
        }
      }
      await super.verify(raw, headers);
      while (this.certCache.size > MAX_CACHED_CERTIFICATES) {
        const [oldest] = this.certCache.keys();
        this.certCache.delete(oldest);
        expiries.delete(oldest);
      }
    }
  }

  async function fetchChain(url: string): Promise<string> {
    const chain = await download(url);
    expiries.set(url, notAfter(chain));
    return chain;
  }

  return new Verifier();
}

/** A download refused for the budget, not for the URL: the URL is not remembered as failed. */
class DownloadBudgetError extends Error {}

/** Sets `key` in `map` (kept in insertion order), dropping the oldest entries past `capacity`. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, capacity: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > capacity) map.delete(map.keys().next().value as K);
}

/**
 * Amazon's verifier builds a node-forge store of every trusted root (Node's public roots: about 140) for each chain
 * it checks, some 30 ms of CPU. The store depends on the list of roots alone, which Node keeps as one frozen array:
 * it is built once per list and shared.
 */
function buildTrustStoreOnce(): void {
  const helper = require('ask-sdk-express-adapter/dist/verifier/helper') as { generateCAStore: ((roots: readonly string[]) => unknown) & { once?: true } };
  if (helper.generateCAStore.once) return;
  const build = helper.generateCAStore;
  const stores = new WeakMap<readonly string[], unknown>();
  helper.generateCAStore = Object.assign(
    (roots: readonly string[]) => {
      if (!stores.has(roots)) stores.set(roots, build(roots));
      return stores.get(roots);
    },
    { once: true as const },
  );
}

/** When the first certificate of a PEM chain expires; 0 if it cannot be read (Amazon's check then refuses it). */
function notAfter(chain: string): number {
  try {
    return Date.parse(new X509Certificate(chain).validTo);
  } catch {
    return 0;
  }
}

/** GET `url` over HTTPS: 200 only, no redirects, at most 64 KB within 5 s. */
export function downloadCertificate(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => request.destroy(new Error(`No certificate from ${url} within ${DOWNLOAD_TIMEOUT_MS / 1000} s`)), DOWNLOAD_TIMEOUT_MS);
    const request = https.get(url, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        return reject(new Error(`Unable to load the certificate from ${url}: status ${response.statusCode}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > DOWNLOAD_MAX_BYTES) request.destroy(new Error(`The certificate at ${url} is larger than ${DOWNLOAD_MAX_BYTES / 1024} KB`));
        else chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.on('close', () => clearTimeout(deadline));
  });
}
