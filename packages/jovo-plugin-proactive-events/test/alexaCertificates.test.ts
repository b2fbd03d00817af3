import { createServer, get, type Server } from 'http';
import type { AddressInfo } from 'net';
import { isProactiveEventsError } from 'alexa-proactive-events';
import { AlexaVerifier, type AlexaVerifierOptions } from '../src/doors/alexaVerifier';
import { MAX_CHAIN_CERTIFICATES } from '../src/doors/certificateChain';
import { downloadCertificate } from '../src/doors/certificateDownload';
import { readEnvelope, type AlexaEnvelope } from '../src/doors/envelope';
import { SigningCertificates } from '../src/doors/signingCertificates';
import {
  INTERMEDIATE_PEM,
  TEST_ROOT_PEM,
  alexaChain,
  alexaHeaders,
  alexaLeaf,
  certificate,
  intermediate,
  keyPair,
  root,
} from './helpers/alexaSigning';
import { APPLICATION_ID, launchRequest } from './helpers/requests';

/**
 * Alexa's signing certificate as the verifier fetches, checks and keeps it: the chain rules Amazon lists, checked
 * on Node's crypto against the test's root, the cache's life, and the bounded download against a real loopback
 * server. doors.test.ts checks the same through the webhook.
 */
const DAY = 24 * 3_600_000;
const URL_ = 'https://s3.amazonaws.com/echo.api/echo-api-cert-unit.pem';

/** A signed LaunchRequest: its raw body, Alexa's headers for it, and its envelope. */
function signed(timestamp = new Date().toISOString()): { raw: string; headers: Record<string, string>; envelope: AlexaEnvelope } {
  const raw = JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.CERT', timestamp }));
  const read = readEnvelope(JSON.parse(raw));
  if (!read.ok) throw new Error(read.problem);
  return { raw, headers: alexaHeaders(raw, { certUrl: URL_ }), envelope: read.envelope };
}

/** The verifier with `chain` at URL_, trusting the test's root. */
function verifierServing(chain: string, options: Partial<AlexaVerifierOptions> = {}): AlexaVerifier {
  return new AlexaVerifier({ skillId: APPLICATION_ID, signatures: true, trustedRoots: [TEST_ROOT_PEM], download: async () => chain, ...options });
}

/** What verifying a fresh signed request with `chain` at URL_ answers: undefined when admitted. */
async function verdict(chain: string): Promise<string | undefined> {
  const { raw, headers, envelope } = signed();
  return (await verifierServing(chain).verify(raw, headers, envelope))?.message;
}

describe("the chain of Alexa's signing certificate", () => {
  it('is trusted when it ends with the root itself, or when the root issued the signing certificate directly', async () => {
    await expect(verdict(alexaChain() + TEST_ROOT_PEM)).resolves.toBeUndefined();
    await expect(verdict(alexaLeaf({ issuer: root }))).resolves.toBeUndefined();
  });

  it('takes the name in any case, but no wildcard standing for it', async () => {
    await expect(verdict(alexaChain({ altNames: ['ECHO-API.Amazon.com'] }))).resolves.toBeUndefined();
    await expect(verdict(alexaChain({ altNames: ['*.amazon.com'] }))).resolves.toMatch(/echo-api\.amazon\.com domain missing in Signature Certificate Chain: the signing certificate's names are DNS:\*\.amazon\.com$/);
  });

  it('is refused when the signing certificate is not valid yet', async () => {
    await expect(verdict(alexaChain({ validFrom: Date.now() + DAY }))).resolves.toMatch(/Signing Certificate expired or not started: it is valid from .* until /);
  });

  it('is refused when a certificate between it and the root has expired', async () => {
    const expired = certificate({ subject: intermediate.name, key: intermediate.key, issuer: root, ca: true, validFrom: Date.now() - 60 * DAY, validTo: Date.now() - DAY });
    await expect(verdict(alexaLeaf() + expired)).resolves.toMatch(/Certificate 2 of the chain \("CN=Test Intermediate CA"\) expired or not started/);
  });

  it('is refused when a certificate that issued another is no CA, though its key may sign certificates', async () => {
    const key = keyPair();
    const notCa = certificate({ subject: 'Not A CA', key, issuer: root, ca: false, keyCertSign: true });
    const leaf = alexaLeaf({ issuer: { name: 'Not A CA', key } });
    await expect(verdict(leaf + notCa)).resolves.toMatch(/Certificate 2 of the chain \("CN=Not A CA"\) issued another but is not a CA$/);
  });

  it("is refused when the next certificate has the issuer's name but not its key", async () => {
    const impostor = certificate({ subject: intermediate.name, key: keyPair(), issuer: root, ca: true });
    await expect(verdict(alexaLeaf() + impostor)).resolves.toMatch(/Certificate 2 of the chain \("CN=Test Intermediate CA"\) did not issue certificate 1 \("CN=echo-api.amazon.com"\)/);
  });

  it('is refused when its certificates are out of order', async () => {
    await expect(verdict(alexaLeaf() + TEST_ROOT_PEM + INTERMEDIATE_PEM)).resolves.toMatch(/Certificate 2 of the chain \("CN=Test Root CA"\) did not issue certificate 1/);
  });

  it('is refused when it holds no certificate, one that cannot be read, or too many', async () => {
    await expect(verdict('<Error><Code>AccessDenied</Code></Error>')).resolves.toMatch(/The file at .* holds no PEM certificate$/);
    await expect(verdict('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).resolves.toMatch(/A certificate of the chain at .* cannot be read/);
    const long = alexaChain() + INTERMEDIATE_PEM.repeat(MAX_CHAIN_CERTIFICATES);
    await expect(verdict(long)).resolves.toMatch(new RegExp(`has ${MAX_CHAIN_CERTIFICATES + 2} certificates; at most ${MAX_CHAIN_CERTIFICATES} are read$`));
  });

  it('is refused when it leads to no trusted root: Node’s public roots do not include the test’s', async () => {
    const { raw, headers, envelope } = signed();
    const verifier = verifierServing(alexaChain(), { trustedRoots: undefined });
    await expect(verifier.verify(raw, headers, envelope)).resolves.toMatchObject({
      code: 'SIGNATURE_INVALID',
      message: expect.stringMatching(/Certificate is not trusted: the chain ends at "CN=Test Intermediate CA", issued by "CN=Test Root CA", which is not a trusted root$/),
    });
  });
});

describe("the request's signature", () => {
  it('is refused when missing, empty, or not base64 of a signature, without a throw', async () => {
    const { raw, headers, envelope } = signed();
    const verifier = verifierServing(alexaChain());
    const refused = (signature: string | undefined) => verifier.verify(raw, { ...headers, 'signature-256': signature }, envelope);
    await expect(refused(undefined)).resolves.toEqual({ status: 400, code: 'SIGNATURE_INVALID', message: 'Not verified as sent by Alexa: Missing Signature for the skill request: the Signature-256 header is missing' });
    for (const signature of ['', '%%%', 'AAAA']) {
      await expect(refused(signature)).resolves.toMatchObject({ code: 'SIGNATURE_INVALID' });
    }
  });

  it('is checked over the raw bytes, given as text or as a buffer', async () => {
    const { raw, headers, envelope } = signed();
    const verifier = verifierServing(alexaChain());
    await expect(verifier.verify(Buffer.from(raw), headers, envelope)).resolves.toBeUndefined();
    await expect(verifier.verify(Buffer.from(`${raw} `), headers, envelope)).resolves.toMatchObject({ message: 'Not verified as sent by Alexa: request body and signature does not match' });
  });

  it('is refused when the SHA-1 `Signature` header alone is given, as Amazon asks for `Signature-256`', async () => {
    const { raw, headers, envelope } = signed();
    const { 'signature-256': sha256, ...rest } = headers;
    await expect(verifierServing(alexaChain()).verify(raw, { ...rest, signature: sha256 }, envelope)).resolves.toMatchObject({ code: 'SIGNATURE_INVALID', message: expect.stringMatching(/Signature-256 header is missing$/) });
  });
});

describe('the cache of signing certificates', () => {
  it('keeps a chain until its first certificate expires, the intermediate included', async () => {
    let now = Date.now();
    const shortIntermediate = certificate({ subject: intermediate.name, key: intermediate.key, issuer: root, ca: true, validTo: now + 10 * DAY });
    const fetched: string[] = [];
    const certificates = new SigningCertificates({ download: async (url) => (fetched.push(url), alexaLeaf() + shortIntermediate), roots: [TEST_ROOT_PEM], now: () => now });
    const key = await certificates.signingKey(URL_);
    expect(key.equals(await certificates.signingKey(URL_))).toBe(true);
    now += 10 * DAY - 1000;
    await certificates.signingKey(URL_);
    expect(fetched).toHaveLength(1);
    now += 2000; // the intermediate has expired: fetched again, and refused
    await expect(certificates.signingKey(URL_)).rejects.toMatchObject({ name: 'CertificateError', code: 'ERR_CERTIFICATE_INVALID', message: expect.stringMatching(/^Certificate 2 of the chain .* expired/) });
    expect(fetched).toHaveLength(2);
  });

  it('shares one download among the requests that wait for it, and refuses with errors of the library’s kind', async () => {
    let release: (chain: string) => void = () => undefined;
    let downloads = 0;
    const certificates = new SigningCertificates({ download: () => (downloads++, new Promise((resolve) => (release = resolve))), roots: [TEST_ROOT_PEM], now: Date.now });
    const waiting = [certificates.signingKey(URL_), certificates.signingKey(URL_), certificates.signingKey(URL_)];
    release(alexaChain());
    const keys = await Promise.all(waiting);
    expect(downloads).toBe(1);
    expect(keys.every((key) => key.equals(keys[0]))).toBe(true);
    const failing = new SigningCertificates({ download: async () => 'nothing', roots: [TEST_ROOT_PEM], now: Date.now });
    const error = await failing.signingKey(URL_).catch((caught: unknown) => caught);
    expect(isProactiveEventsError(error, 'ERR_CERTIFICATE_INVALID')).toBe(true);
    await expect(failing.signingKey(URL_)).rejects.toMatchObject({ code: 'ERR_CERTIFICATE_FAILED_RECENTLY' });
  });

  it("checks a chain's dates on the verifier's clock, the one its timestamps are read by", async () => {
    const later = Date.now() + 40 * DAY; // the signing certificate is valid for 30 days
    const { raw, headers, envelope } = signed(new Date(later).toISOString());
    await expect(verifierServing(alexaChain(), { now: () => later }).verify(raw, headers, envelope)).resolves.toMatchObject({ message: expect.stringMatching(/Signing Certificate expired or not started/) });
  });
});

describe('the download of a chain', () => {
  let server: Server;
  let base: string;
  const answers: Record<string, (res: import('http').ServerResponse) => void> = {
    '/echo.api/chain.pem': (res) => res.end(alexaChain()),
    '/echo.api/missing.pem': (res) => res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>'),
    '/echo.api/moved.pem': (res) => res.writeHead(301, { location: '/echo.api/chain.pem' }).end(),
    '/echo.api/huge.pem': (res) => res.end('x'.repeat(65 * 1024)),
    '/echo.api/slow.pem': (res) => void setTimeout(() => res.end(alexaChain()), 2000),
  };

  beforeAll(async () => {
    server = createServer((req, res) => (answers[req.url ?? ''] ?? ((unknown) => unknown.writeHead(404).end()))(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });

  const fetchChain = (path: string, limits: { timeoutMs?: number } = {}) => downloadCertificate(`${base}${path}`, { get, ...limits });

  it('returns the chain S3 answers with 200', async () => {
    await expect(fetchChain('/echo.api/chain.pem')).resolves.toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('refuses any other status, a redirect included, naming the URL', async () => {
    await expect(fetchChain('/echo.api/missing.pem')).rejects.toMatchObject({ code: 'ERR_CERTIFICATE_DOWNLOAD', message: `Unable to load the certificate from ${base}/echo.api/missing.pem: status 404` });
    await expect(fetchChain('/echo.api/moved.pem')).rejects.toMatchObject({ message: expect.stringMatching(/: status 301$/) });
  });

  it('cuts off an answer larger than 64 KB', async () => {
    await expect(fetchChain('/echo.api/huge.pem')).rejects.toMatchObject({ code: 'ERR_CERTIFICATE_DOWNLOAD', message: `The certificate at ${base}/echo.api/huge.pem is larger than 64 KB` });
  });

  it('gives up on an answer that does not come in time', async () => {
    // slow.pem answers after 2 s: a rejection naming 0.2 s is the time limit's, not the answer's.
    await expect(fetchChain('/echo.api/slow.pem', { timeoutMs: 200 })).rejects.toMatchObject({ message: `No certificate from ${base}/echo.api/slow.pem within 0.2 s` });
  });

  it('says so when nothing listens', async () => {
    await expect(downloadCertificate('http://127.0.0.1:9/echo.api/chain.pem', { get })).rejects.toMatchObject({ message: expect.stringMatching(/^Unable to load the certificate from http:\/\/127\.0\.0\.1:9\/echo\.api\/chain\.pem: .*ECONNREFUSED/) });
  });
});
