import { X509Certificate, type KeyObject } from 'crypto';
import { CertificateError } from './certificateError';

/** The name Alexa's signing certificate carries among its subject alternative names. */
export const ALEXA_SIGNING_HOST = 'echo-api.amazon.com';

/**
 * Certificates read from one file at most. Amazon's chain has two or three; a longer file is refused before any is
 * parsed, so a forged one costs little.
 */
export const MAX_CHAIN_CERTIFICATES = 8;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** A chain that passed every check: the signing certificate's key, and until when the whole path stays in date. */
export interface TrustedChain {
  publicKey: KeyObject;
  /** Milliseconds since the epoch: the earliest `notAfter` of the signing certificate and the path to its root. */
  validTo: number;
}

/** The roots a chain must end at, parsed once: a root is recognised by its SHA-256 fingerprint, or found as an issuer. */
export class TrustedRoots {
  readonly #roots: X509Certificate[] = [];
  readonly #fingerprints = new Set<string>();

  /** `pems`: PEM certificates, one each, as `tls.rootCertificates` lists them; one that cannot be read is skipped. */
  constructor(pems: readonly string[]) {
    for (const pem of pems) {
      try {
        const root = new X509Certificate(pem);
        this.#roots.push(root);
        this.#fingerprints.add(root.fingerprint256);
      } catch {
        // An unreadable root can anchor nothing; the others still count.
      }
    }
  }

  /** True when `certificate` is itself one of the roots. */
  has(certificate: X509Certificate): boolean {
    return this.#fingerprints.has(certificate.fingerprint256);
  }

  /** A root in date at `now` that issued and signed `certificate`, if there is one. */
  issuerOf(certificate: X509Certificate, now: number): X509Certificate | undefined {
    return this.#roots.find((root) => inDate(root, now) && issued(certificate, root));
  }
}

/**
 * Checks the PEM chain downloaded from `url` as Amazon requires, at `now`: the first certificate (the signing one)
 * in date and naming `echo-api.amazon.com` among its subject alternative names (exactly: no wildcard, not the
 * subject's common name), and a chain of trust from it to a trusted root: each certificate issued and signed by the
 * next one in the file, which is a CA in date, until one is a trusted root or was issued by one. Certificates after
 * that are not read. Throws a CertificateError (`ERR_CERTIFICATE_INVALID`) naming what failed.
 * @see https://developer.amazon.com/docs/custom-skills/host-a-custom-skill-as-a-web-service.html#check-request-signature
 */
export function checkChain(pem: string, url: string, roots: TrustedRoots, now: number): TrustedChain {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw invalid(`The file at ${url} holds no PEM certificate`);
  if (blocks.length > MAX_CHAIN_CERTIFICATES) throw invalid(`The chain at ${url} has ${blocks.length} certificates; at most ${MAX_CHAIN_CERTIFICATES} are read`);
  let chain: X509Certificate[];
  try {
    chain = blocks.map((block) => new X509Certificate(block));
  } catch (error) {
    throw invalid(`A certificate of the chain at ${url} cannot be read: ${(error as Error).message}`);
  }
  const [signing] = chain;
  // The first two messages start as Amazon's verifier worded them, so a log search for them still finds them.
  if (!inDate(signing, now)) throw invalid(`Signing Certificate expired or not started: it is valid from ${signing.validFrom} until ${signing.validTo}`);
  if (signing.checkHost(ALEXA_SIGNING_HOST, { subject: 'never', wildcards: false }) === undefined) {
    throw invalid(`${ALEXA_SIGNING_HOST} domain missing in Signature Certificate Chain: the signing certificate's names are ${signing.subjectAltName?.slice(0, 200) ?? 'none'}`);
  }
  let validTo = Date.parse(signing.validTo);
  for (let i = 0; !roots.has(chain[i]); i++) {
    const certificate = chain[i];
    const root = roots.issuerOf(certificate, now);
    if (root) return { publicKey: signing.publicKey, validTo: Math.min(validTo, Date.parse(root.validTo)) };
    const issuer = chain[i + 1];
    if (!issuer) throw invalid(`Certificate is not trusted: the chain ends at ${name(certificate.subject)}, issued by ${name(certificate.issuer)}, which is not a trusted root`);
    if (!issued(certificate, issuer)) throw invalid(`Certificate ${i + 2} of the chain (${name(issuer.subject)}) did not issue certificate ${i + 1} (${name(certificate.subject)}): each must be issued by the next`);
    if (!issuer.ca) throw invalid(`Certificate ${i + 2} of the chain (${name(issuer.subject)}) issued another but is not a CA`);
    if (!inDate(issuer, now)) throw invalid(`Certificate ${i + 2} of the chain (${name(issuer.subject)}) expired or not started: it is valid from ${issuer.validFrom} until ${issuer.validTo}`);
    validTo = Math.min(validTo, Date.parse(issuer.validTo));
  }
  return { publicKey: signing.publicKey, validTo };
}

function invalid(message: string): CertificateError {
  return new CertificateError('ERR_CERTIFICATE_INVALID', message);
}

function inDate(certificate: X509Certificate, now: number): boolean {
  return Date.parse(certificate.validFrom) <= now && now <= Date.parse(certificate.validTo);
}

/**
 * True when `issuer` issued `certificate`: OpenSSL's check of the names, the key identifiers and the issuer's key
 * usage (certificate signing), then the signature itself.
 */
function issued(certificate: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** A distinguished name on one line (Node writes one attribute a line), as short as a log line needs. */
function name(distinguished: string): string {
  return JSON.stringify(distinguished.split('\n').join(', ').slice(0, 100));
}
