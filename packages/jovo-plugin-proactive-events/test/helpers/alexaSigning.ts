import { constants, createPublicKey, createSign, generateKeyPairSync, privateEncrypt } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import forge from 'node-forge';

/**
 * Alexa's side of request signing, made in the test: a root CA, an intermediate, and an "Alexa" signing
 * certificate with `echo-api.amazon.com` among its subject alternative names, as Amazon's chain at
 * `https://s3.amazonaws.com/echo.api/…` has. Requests are signed with RSA-SHA256 over their raw bytes.
 *
 * The doors trust `tls.rootCertificates`; a test that checks real chains gives them TEST_ROOT_PEM instead (the
 * `trustedRoots` option) and serves the chains below through their `download` option, so no network is used and
 * the chain check runs unchanged.
 */

/** An RSA key, for Node and for node-forge. */
export interface KeyPair {
  pem: string;
  forgePrivate: forge.pki.rsa.PrivateKey;
  forgePublic: forge.pki.rsa.PublicKey;
}

/**
 * Where the keys are kept between test files and runs (not in git): an RSA key takes a few hundred milliseconds to
 * make, and every file that loads this helper needs four to six. A key has no dates, so any key serves any run.
 */
const KEYS = path.join(__dirname, '..', '..', '..', '..', 'node_modules', '.cache', 'test-rsa-keys');
let keysGiven = 0;

/** The `n`th RSA key of this file's keys: as kept, or made and kept (written whole, so that no file reads half). */
function privateKeyPem(n: number): string {
  const file = path.join(KEYS, `${n}.pem`);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  fs.mkdirSync(KEYS, { recursive: true });
  const partial = `${file}.${process.pid}`;
  fs.writeFileSync(partial, privateKey, { mode: 0o600 });
  fs.renameSync(partial, file);
  return privateKey;
}

/** An RSA key pair no other call of this file got, as PEM for Node and as node-forge's keys for signing certificates. */
export function keyPair(): KeyPair {
  const privateKey = privateKeyPem(keysGiven++);
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { pem: privateKey, forgePrivate: forge.pki.privateKeyFromPem(privateKey), forgePublic: forge.pki.publicKeyFromPem(publicKey) };
}

const DAY = 24 * 3_600_000;
let serial = 1;

/** A certificate's issuer: its name and key. */
export interface Issuer {
  name: string;
  key: KeyPair;
}

/** What a test certificate is made of; dates in milliseconds since the epoch. */
export interface CertificateParts {
  subject: string;
  key: KeyPair;
  issuer?: Issuer;
  ca?: boolean;
  /** May sign certificates (key usage): as `ca` unless told. */
  keyCertSign?: boolean;
  altNames?: string[];
  validFrom?: number;
  validTo?: number;
}

/** A PEM certificate made of `parts`, signed by its issuer's key (its own without one). */
export function certificate({ subject, key, issuer, ca = false, keyCertSign = ca, altNames, validFrom = Date.now() - DAY, validTo = Date.now() + 30 * DAY }: CertificateParts): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.forgePublic;
  cert.serialNumber = String(serial++).padStart(2, '0');
  cert.validity.notBefore = new Date(validFrom);
  cert.validity.notAfter = new Date(validTo);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  cert.setIssuer([{ name: 'commonName', value: issuer?.name ?? subject }]);
  cert.setExtensions([
    { name: 'basicConstraints', cA: ca },
    { name: 'keyUsage', keyCertSign, cRLSign: ca, digitalSignature: true },
    ...(altNames ? [{ name: 'subjectAltName', altNames: altNames.map((value) => ({ type: 2, value })) }] : []),
  ]);
  cert.sign(nodeSigned(issuer?.key ?? key), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** DER of a SHA-256 DigestInfo up to the digest (RFC 8017, 9.2): what RSASSA-PKCS1-v1_5 signs. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * `key` for node-forge's `cert.sign`, the same RSASSA-PKCS1-v1_5 signature made by Node's crypto: forge's RSA in
 * JavaScript takes about 250 ms a signature, and every file that loads this helper signs seven certificates.
 */
function nodeSigned(key: KeyPair): forge.pki.rsa.PrivateKey {
  const sign = (md: forge.md.MessageDigest) =>
    privateEncrypt({ key: key.pem, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, Buffer.from(md.digest().getBytes(), 'binary')])).toString('binary');
  return { ...key.forgePrivate, sign };
}

const rootKey = keyPair();
const intermediateKey = keyPair();
/** The test's root CA and the intermediate CA that issues Alexa's certificates. */
export const root: Issuer = { name: 'Test Root CA', key: rootKey };
export const intermediate: Issuer = { name: 'Test Intermediate CA', key: intermediateKey };

/** The root the tests trust in place of the public roots. */
export const TEST_ROOT_PEM = certificate({ subject: root.name, key: rootKey, ca: true, validTo: Date.now() + 365 * DAY });
export const INTERMEDIATE_PEM = certificate({ subject: intermediate.name, key: intermediateKey, issuer: root, ca: true, validTo: Date.now() + 365 * DAY });

/** Alexa's signing key, and other keys for forgeries. */
export const ALEXA_KEY = keyPair();
const OTHER_KEY = keyPair();
const stranger = { name: 'Untrusted Root CA', key: OTHER_KEY };

/** Alexa's signing certificate, issued by the intermediate, changed by `parts`. */
export const alexaLeaf = (parts: Partial<CertificateParts> = {}) =>
  certificate({ subject: 'echo-api.amazon.com', key: ALEXA_KEY, issuer: intermediate, altNames: ['echo-api.amazon.com'], ...parts });

/** Alexa's chain as S3 serves it (signing certificate, then intermediate), its signing certificate changed by `parts`. */
export function alexaChain(parts: Partial<CertificateParts> = {}): string {
  return alexaLeaf(parts) + INTERMEDIATE_PEM;
}

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
