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
 * Alexa signs with one certificate at a time: a few downloads at once are plenty, and a flood of requests naming
 * other files under /echo.api/ cannot make the skill fetch more than these.
 */
const MAX_DOWNLOADS_IN_FLIGHT = 4;
/** A cache larger than this is cleared. */
const MAX_CACHED_CERTIFICATES = 16;

export interface AlexaVerifierOptions {
  /** SKILL_ID: a request for another skill is refused. Without it, `applicationId` is not checked. */
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
 * The `SignatureCertChainUrl` header as Amazon allows it, normalized (WHATWG URLs lower-case the host, drop a
 * default port and resolve `..` and `%2e%2e` segments): https, host s3.amazonaws.com, port 443 if given, a path
 * under /echo.api/, no user info.
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
  if (!url.pathname.startsWith('/echo.api/')) return { problem: `SignatureCertChainUrl must have a path under /echo.api/, not ${url.pathname.slice(0, 100)}` };
  return { url: url.href };
}

/**
 * Amazon's verifier, loaded when first needed (a skill on Lambda never needs it), with its certificate download
 * replaced: Amazon's has no timeout, size limit or bound on downloads at once. Amazon's cache would also keep a
 * certificate past its expiry; an expired one is dropped, so that it is fetched and checked again.
 */
function createSignatureVerifier({ download = downloadCertificate, now = Date.now }: AlexaVerifierOptions): SkillRequestSignatureVerifier {
  const { SkillRequestSignatureVerifier } = require('ask-sdk-express-adapter/dist/verifier') as typeof import('ask-sdk-express-adapter/dist/verifier');
  const pending = new Map<string, Promise<string>>();
  const expiries = new Map<string, number>();

  class Verifier extends SkillRequestSignatureVerifier {
    constructor() {
      super();
      (this as unknown as { _getCertChainByUrl(url: string): Promise<string> })._getCertChainByUrl = (url) => {
        let chain = pending.get(url);
        if (!chain) {
          if (pending.size >= MAX_DOWNLOADS_IN_FLIGHT) return Promise.reject(new Error('too many certificate downloads under way; try again'));
          chain = fetchChain(url).finally(() => pending.delete(url));
          pending.set(url, chain);
        }
        return chain;
      };
    }

    override async verify(raw: string, headers: IncomingHttpHeaders): Promise<void> {
      if (expiries.size > MAX_CACHED_CERTIFICATES) {
        this.certCache.clear();
        expiries.clear();
      }
      for (const [url, expiry] of expiries) {
        if (expiry <= now()) {
          this.certCache.delete(url);
          expiries.delete(url);
        }
      }
      await super.verify(raw, headers);
    }
  }

  async function fetchChain(url: string): Promise<string> {
    const chain = await download(url);
    expiries.set(url, notAfter(chain));
    return chain;
  }

  return new Verifier();
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
