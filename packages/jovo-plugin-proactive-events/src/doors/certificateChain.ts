import { X509Certificate, createHash, type KeyObject } from 'crypto';
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

/** One trusted root: its DER, and the certificate once it was needed (null: it cannot be read). */
interface Root {
  der: Buffer;
  parsed?: X509Certificate | null;
}

/**
 * The roots a chain must end at. Node has some 140 of them, and reading them all cost more than the rest of a first
 * request: a root is recognised by the SHA-256 fingerprint of its DER, and read only when its bytes hold the name of
 * the issuer sought. RFC 5280 (4.1.2.6) has a CA encode its subject exactly as the certificates it issues name it,
 * so a root that issued a certificate holds that name's bytes; OpenSSL's `checkIssued` and the signature decide.
 */
export class TrustedRoots {
  readonly #roots: Root[] = [];
  readonly #fingerprints = new Set<string>();

  /** `pems`: PEM certificates, one each, as `tls.rootCertificates` lists them; one that cannot be read is skipped. */
  constructor(pems: readonly string[]) {
    for (const pem of pems) {
      const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
      this.#roots.push({ der });
      this.#fingerprints.add(fingerprint256(der));
    }
  }

  /** True when `certificate` is itself one of the roots. */
  has(certificate: X509Certificate): boolean {
    return this.#fingerprints.has(certificate.fingerprint256);
  }

  /** A root in date at `now` that issued and signed `certificate`, if there is one. */
  issuerOf(certificate: X509Certificate, now: number): X509Certificate | undefined {
    const name = issuerName(certificate.raw);
    for (const root of name ? this.#roots.filter((candidate) => candidate.der.includes(name)) : this.#roots) {
      const parsed = readRoot(root);
      if (parsed && inDate(parsed, now) && issued(certificate, parsed)) return parsed;
    }
    return undefined;
  }
}

/** The root's certificate, read at its first use; null when it cannot be read (it can anchor nothing). */
function readRoot(root: Root): X509Certificate | null {
  if (root.parsed === undefined) {
    try {
      root.parsed = new X509Certificate(root.der);
    } catch {
      root.parsed = null;
    }
  }
  return root.parsed;
}

/** As X509Certificate's `fingerprint256`: the SHA-256 of the DER, in upper-case hex pairs joined by colons. */
function fingerprint256(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

/**
 * The DER of a certificate's issuer name: Certificate = SEQUENCE { tbsCertificate SEQUENCE { [0] version (optional),
 * serialNumber, signature, issuer, … } }. Undefined when the DER is not laid out so (every root is then tried).
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1
 */
function issuerName(der: Buffer): Buffer | undefined {
  const certificate = derElement(der, 0);
  const tbs = certificate && derElement(der, certificate.content);
  if (!tbs) return undefined;
  let element = derElement(der, tbs.content);
  if (element && der[element.start] === 0xa0) element = derElement(der, element.end);
  for (let skipped = 0; element && skipped < 2; skipped++) element = derElement(der, element.end);
  return element ? der.subarray(element.start, element.end) : undefined;
}

/** The DER element at `start`: where its content begins and where it ends; undefined past the buffer. */
function derElement(der: Buffer, start: number): { start: number; content: number; end: number } | undefined {
  if (start + 2 > der.length) return undefined;
  let length = der[start + 1];
  let content = start + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || content + bytes > der.length) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[content + i];
    content += bytes;
  }
  return content + length > der.length ? undefined : { start, content, end: content + length };
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
