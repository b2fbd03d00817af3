import { createSign, generateKeyPairSync } from 'crypto';
import forge from 'node-forge';

/**
 * Alexa's side of request signing, made in the test: a root CA, an intermediate, and an "Alexa" signing
 * certificate with `echo-api.amazon.com` among its subject alternative names, as Amazon's chain at
 * `https://s3.amazonaws.com/echo.api/…` has. Requests are signed with RSA-SHA256 over their raw bytes.
 *
 * Amazon's verifier trusts `tls.rootCertificates`; a test that checks real chains replaces that list with
 * TEST_ROOT_PEM through jest's module registry (`jest.mock('tls', …)`), and serves the chains below through the
 * gate's `download` option, so no network is used and Amazon's chain check runs unchanged.
 */

interface KeyPair {
  pem: string;
  forgePrivate: forge.pki.rsa.PrivateKey;
  forgePublic: forge.pki.rsa.PublicKey;
}

function keyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { pem: privateKey, forgePrivate: forge.pki.privateKeyFromPem(privateKey), forgePublic: forge.pki.publicKeyFromPem(publicKey) };
}

const DAY = 24 * 3_600_000;
let serial = 1;

interface CertificateParts {
  subject: string;
  key: KeyPair;
  issuer?: { name: string; key: KeyPair };
  ca?: boolean;
  altNames?: string[];
  validFrom?: number;
  validTo?: number;
}

function certificate({ subject, key, issuer, ca = false, altNames, validFrom = Date.now() - DAY, validTo = Date.now() + 30 * DAY }: CertificateParts): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.forgePublic;
  cert.serialNumber = String(serial++).padStart(2, '0');
  cert.validity.notBefore = new Date(validFrom);
  cert.validity.notAfter = new Date(validTo);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  cert.setIssuer([{ name: 'commonName', value: issuer?.name ?? subject }]);
  cert.setExtensions([
    { name: 'basicConstraints', cA: ca },
    { name: 'keyUsage', keyCertSign: ca, cRLSign: ca, digitalSignature: true },
    ...(altNames ? [{ name: 'subjectAltName', altNames: altNames.map((value) => ({ type: 2, value })) }] : []),
  ]);
  cert.sign((issuer?.key ?? key).forgePrivate, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

const rootKey = keyPair();
const intermediateKey = keyPair();
const root = { name: 'Test Root CA', key: rootKey };
const intermediate = { name: 'Test Intermediate CA', key: intermediateKey };

/** The root the tests trust in place of the public roots. */
export const TEST_ROOT_PEM = certificate({ subject: root.name, key: rootKey, ca: true, validTo: Date.now() + 365 * DAY });
const INTERMEDIATE_PEM = certificate({ subject: intermediate.name, key: intermediateKey, issuer: root, ca: true });

/** Alexa's signing key, and other keys for forgeries. */
export const ALEXA_KEY = keyPair();
const OTHER_KEY = keyPair();
const stranger = { name: 'Untrusted Root CA', key: OTHER_KEY };

const alexaLeaf = (parts: Partial<CertificateParts> = {}) =>
  certificate({ subject: 'echo-api.amazon.com', key: ALEXA_KEY, issuer: intermediate, altNames: ['echo-api.amazon.com'], ...parts });

export const CERT_URL = 'https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem';

/** What each certificate URL serves: Alexa's valid chain, and broken ones. */
export const CHAINS: Record<string, string> = {
  [CERT_URL]: alexaLeaf() + INTERMEDIATE_PEM,
  'https://s3.amazonaws.com/echo.api/expired.pem': alexaLeaf({ validFrom: Date.now() - 60 * DAY, validTo: Date.now() - DAY }) + INTERMEDIATE_PEM,
  'https://s3.amazonaws.com/echo.api/no-san.pem': alexaLeaf({ altNames: undefined }) + INTERMEDIATE_PEM,
  'https://s3.amazonaws.com/echo.api/other-name.pem': alexaLeaf({ altNames: ['echo-api.example.com'] }) + INTERMEDIATE_PEM,
  'https://s3.amazonaws.com/echo.api/untrusted.pem': certificate({ subject: 'echo-api.amazon.com', key: ALEXA_KEY, issuer: stranger, altNames: ['echo-api.amazon.com'] }),
};

/** Every download the gate asked for, in order. */
export const downloads: string[] = [];

/** The gate's `download`: serves CHAINS, as S3 would serve Amazon's chain. */
export async function download(url: string): Promise<string> {
  downloads.push(url);
  const chain = CHAINS[url];
  if (!chain) throw new Error(`Unable to load x509 certificate from URL: ${url}. Response status code: 404`);
  return chain;
}

export interface Signing {
  /** The key that signs; Alexa's by default. */
  key?: 'alexa' | 'other';
  certUrl?: string;
}

/** The headers Alexa sends with `raw`: `Signature-256` (RSA-SHA256 over exactly these bytes) and the chain's URL. */
export function alexaHeaders(raw: string | Buffer, { key = 'alexa', certUrl = CERT_URL }: Signing = {}): Record<string, string> {
  const signature = createSign('RSA-SHA256').update(raw).sign(key === 'alexa' ? ALEXA_KEY.pem : OTHER_KEY.pem, 'base64');
  return { 'content-type': 'application/json; charset=utf-8', 'signature-256': signature, signaturecertchainurl: certUrl };
}
