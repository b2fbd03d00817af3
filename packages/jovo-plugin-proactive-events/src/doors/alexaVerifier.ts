import { verify as verifySignature, type KeyObject } from 'crypto';
import type { IncomingHttpHeaders } from 'http';
import { rootCertificates } from 'tls';
import { CLOCK_SKEW_MS } from 'alexa-proactive-events/internal';
import { downloadCertificate } from './certificateDownload';
import { certificateUrl } from './certificateUrl';
import type { AlexaEnvelope, Refusal } from './envelope';
import { SigningCertificates } from './signingCertificates';

/**
 * How late a request may arrive: 150 s, Amazon's tolerance. Amazon's own TimestampVerifier lists five skill events
 * and not `AlexaSkillEvent.ProactiveSubscriptionChanged`, the one this skill lives on, so the rule is written here.
 * @see https://developer.amazon.com/docs/custom-skills/host-a-custom-skill-as-a-web-service.html#timestamp
 */
export const REQUEST_MAX_AGE_MS = CLOCK_SKEW_MS;
/** How late an Alexa skill event (`AlexaSkillEvent.*`) may arrive: an hour, as Amazon may deliver them that late. */
export const SKILL_EVENT_MAX_AGE_MS = 60 * 60_000;

/** What the verifier checks requests against. */
export interface AlexaVerifierOptions {
  /**
   * SKILL_ID: a request for another skill is refused. Required when `signatures` is on; without it (signatures off), `applicationId` is not checked.
   * @default undefined: `applicationId` is not checked, and triggers must name `localSkillId`
   * @see https://developer.amazon.com/docs/custom-skills/host-a-custom-skill-as-a-web-service.html#verify-request-sent-by-alexa
   */
  skillId?: string | undefined;
  /**
   * Check Amazon's signature, its certificate and the request's timestamp. Off only where the body cannot carry
   * Amazon's signature: behind the Jovo Webhook relay (`jovo3 run`), which re-serializes it.
   */
  signatures: boolean;
  /** Milliseconds since the epoch, for timestamps and certificates' dates alike; tests move it instead of waiting. @default Date.now */
  now?: () => number;
  /**
   * Fetches the certificate chain at a `SignatureCertChainUrl` that passed Amazon's checks. Tests serve their own
   * chains.
   * @default an HTTPS GET of 64 KB at most within 5 s (`downloadCertificate`)
   */
  download?: (url: string) => Promise<string>;
  /**
   * The roots Alexa's certificate chain must lead to, PEM. Tests give their own CA's.
   * @default Node's bundled public roots, `tls.rootCertificates`
   */
  trustedRoots?: readonly string[];
}

/**
 * Checks that a request comes from Alexa and is meant for this skill, as Amazon requires of a skill on an HTTPS
 * endpoint: `applicationId` equal to SKILL_ID (a valid signature proves Alexa sent a request, not that it is for
 * this skill), the timestamp, the certificate URL, the certificate (in date, `echo-api.amazon.com` among its names,
 * chained to a trusted root, cached per URL: see SigningCertificates) and `Signature-256`, RSA-SHA256 over the raw
 * body. Cheap checks come first, so a forgery costs no download.
 *
 * Every step is this package's, on Node's `crypto`: ask-sdk-express-adapter offers its checks only as one
 * `SkillRequestSignatureVerifier.verify`, which downloads the chain itself (no timeout, size limit or budget) and
 * reads the process's roots, and its TimestampVerifier does not know ProactiveSubscriptionChanged. `Signature`, the
 * SHA-1 signature Alexa also sends, is not read: Amazon's page asks for `Signature-256`, as its verifier did.
 * @see https://developer.amazon.com/docs/custom-skills/host-a-custom-skill-as-a-web-service.html#verify-request-sent-by-alexa
 */
export class AlexaVerifier {
  #certificates?: SigningCertificates;

  constructor(private readonly options: AlexaVerifierOptions) {}

  /** Why the request must be refused, or undefined when it may come in. `raw` is the body exactly as it came. */
  async verify(raw: string | Uint8Array, headers: IncomingHttpHeaders, envelope: AlexaEnvelope): Promise<Refusal | undefined> {
    const application = this.checkApplication(envelope);
    if (application || !this.options.signatures) return application;
    const timestamp = this.#checkTimestamp(envelope);
    if (timestamp) return timestamp;
    const refuse = (why: string): Refusal => ({ status: 400, code: 'SIGNATURE_INVALID', message: `Not verified as sent by Alexa: ${why.slice(0, 300)}` });
    const certificate = certificateUrl(headers.signaturecertchainurl);
    if ('problem' in certificate) return refuse(certificate.problem);
    const signature = headers['signature-256'];
    if (typeof signature !== 'string' || signature === '') return refuse('Missing Signature for the skill request: the Signature-256 header is missing');
    let key: KeyObject;
    try {
      key = await this.#signingCertificates().signingKey(certificate.url);
    } catch (error) {
      return refuse(String((error as Error)?.message));
    }
    // Amazon's wording, kept: logs and alarms search for it.
    if (!signedBy(key, raw, signature)) return refuse('request body and signature does not match');
    return undefined;
  }

  /** The signing certificates, made at the first signed request: a door that never sees one needs none. */
  #signingCertificates(): SigningCertificates {
    this.#certificates ??= new SigningCertificates({
      download: this.options.download ?? ((url) => downloadCertificate(url)),
      roots: this.options.trustedRoots ?? rootCertificates,
      now: this.options.now ?? Date.now,
    });
    return this.#certificates;
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

/** True when `signature` (base64) is `key`'s over `raw`'s bytes with SHA-256; false for one that is no signature at all. */
function signedBy(key: KeyObject, raw: string | Uint8Array, signature: string): boolean {
  try {
    return verifySignature('sha256', typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw, key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** As Alexa writes `request.timestamp`: `2026-12-01T22:50:16Z`, with fractions or an offset at most. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
