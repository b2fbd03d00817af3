import { createServer, type IncomingMessage } from 'http';
import type { AddressInfo } from 'net';
import { inspect } from 'util';
import { ProactiveEventsError, TokenClient, TokenError } from '../src';
import { postJson, type PostJson } from '../src/internal';
import { createEmulator } from '../src/emulator';
import { CLIENT_ID, CLIENT_SECRET, sendingSetup } from './helpers/sending';

let setup: Awaited<ReturnType<typeof sendingSetup>>;
beforeEach(async () => (setup = await sendingSetup()));
afterEach(() => setup.close());

it('sends the client-credentials form, URL-encoded, and gets a token', async () => {
  // The emulator only knows CLIENT_SECRET, which has &, =, + and spaces: it must arrive intact.
  await expect(setup.tokens.token()).resolves.toMatch(/^Atc\|emulator\|/);
  expect(setup.emulator.tokensIssued).toBe(1);
});

it('reuses the token until 60 s before it expires, then fetches a new one', async () => {
  const first = await setup.tokens.token();
  setup.clock.now += (3600 - 61) * 1000;
  await expect(setup.tokens.token()).resolves.toBe(first);
  expect(setup.tokens.requests).toBe(1);
  setup.clock.now += 1000;
  const second = await setup.tokens.token();
  expect(second).not.toBe(first);
  expect(setup.tokens.requests).toBe(2);
});

it('makes one token request for a hundred callers at once', async () => {
  const tokens = await Promise.all(Array.from({ length: 100 }, () => setup.tokens.token()));
  expect(new Set(tokens).size).toBe(1);
  expect(setup.tokens.requests).toBe(1);
  expect(setup.emulator.tokensIssued).toBe(1);
});

it('fetches a new token once the cached one is invalidated', async () => {
  const first = await setup.tokens.token();
  setup.tokens.invalidate('some other token');
  await expect(setup.tokens.token()).resolves.toBe(first);
  setup.tokens.invalidate(first);
  await expect(setup.tokens.token()).resolves.not.toBe(first);
});

it('explains invalid_client: which credentials are meant and where to find them', async () => {
  const wrong = new TokenClient({ clientId: CLIENT_ID, clientSecret: 'not-the-secret', tokenUrl: `${setup.emulator.url}/auth/o2/token` });
  const failure = wrong.token();
  await expect(failure).rejects.toMatchObject({ name: 'TokenError', code: 'ERR_INVALID_CLIENT', retryable: false, httpStatus: 401 });
  await expect(failure).rejects.toThrow(/refused client id amzn1\.application-oa2-client\.test \(invalid_client: Client authentication failed\)/);
  await expect(failure).rejects.toThrow(/Alexa Skill Messaging client id and secret .* Build > Permissions/);
  await expect(failure).rejects.not.toThrow(/not-the-secret/);
});

it('explains invalid_scope: credentials that are not a skill\'s, or a skill that publishes nothing', async () => {
  const profile = await createEmulator({ port: 0, clientsWithoutScope: ['amzn1.application-oa2-client.profile'] });
  try {
    const client = new TokenClient({ clientId: 'amzn1.application-oa2-client.profile', clientSecret: 'profile-secret', tokenUrl: `${profile.url}/auth/o2/token` });
    const failure = client.token();
    await expect(failure).rejects.toMatchObject({ name: 'TokenError', code: 'ERR_INVALID_SCOPE', retryable: false, httpStatus: 400 });
    await expect(failure).rejects.toThrow(
      /^Login with Amazon will not give client id amzn1\.application-oa2-client\.profile the scope alexa::proactive_events \(invalid_scope: The request has an invalid parameter : scope\): these are not a skill's Alexa Skill Messaging credentials, or the skill has no events\.publications in its deployed manifest \(add the events it sends there, then deploy the skill\)\./,
    );
    await expect(failure).rejects.not.toThrow(/profile-secret/);
  } finally {
    await profile.close();
  }
});

it('reports an unreachable token endpoint as retryable, naming the URL and the cause only', async () => {
  const client = new TokenClient({ clientId: 'id', clientSecret: 'unreachable-secret', tokenUrl: 'http://127.0.0.1:9/auth/o2/token' });
  const failure = client.token();
  await expect(failure).rejects.toBeInstanceOf(TokenError);
  await expect(failure).rejects.toMatchObject({ code: 'ERR_TOKEN_UNAVAILABLE', retryable: true });
  await expect(failure).rejects.toThrow(/^POST http:\/\/127\.0\.0\.1:9\/auth\/o2\/token failed: ECONNREFUSED/);
  await expect(failure).rejects.not.toThrow(/unreachable-secret/);
});

it('gives up on a token endpoint that does not answer in time, as retryable, naming the timeout', async () => {
  const slow = await createEmulator({ port: 0, faults: { latencyMs: 300 } });
  try {
    const client = new TokenClient({ clientId: 'id', clientSecret: 'slow-secret', tokenUrl: `${slow.url}/auth/o2/token`, timeoutMs: 50 });
    const failure = client.token();
    await expect(failure).rejects.toMatchObject({ name: 'TokenError', code: 'ERR_TOKEN_UNAVAILABLE', retryable: true });
    await expect(failure).rejects.toThrow(/^POST http:\/\/127\.0\.0\.1:\d+\/auth\/o2\/token failed: ETIMEDOUT: no answer within 50 ms$/);
    // The transport's own error: typed, under the library's base, with Node's code for a timeout.
    const posted = postJson(`${slow.url}/auth/o2/token`, new URLSearchParams(), { timeoutMs: 50 });
    await expect(posted).rejects.toBeInstanceOf(ProactiveEventsError);
    await expect(posted).rejects.toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT', timeoutMs: 50, message: 'no answer within 50 ms' });
  } finally {
    await slow.close();
  }
});

it('asks through the transport it is given, as the sender does, posting the form', async () => {
  const calls: Array<{ url: string; body: unknown; timeoutMs: number }> = [];
  const post: PostJson = async (url, body, { timeoutMs }) => {
    calls.push({ url, body: String(body), timeoutMs });
    return { status: 200, headers: {}, data: { access_token: 'T', expires_in: 3600, token_type: 'bearer' } };
  };
  const client = new TokenClient({ clientId: 'id', clientSecret: 's&t', tokenUrl: 'https://lwa.invalid/auth/o2/token', post, timeoutMs: 1234 });
  await expect(client.token()).resolves.toBe('T');
  expect(calls).toEqual([{ url: 'https://lwa.invalid/auth/o2/token', body: 'grant_type=client_credentials&client_id=id&client_secret=s%26t&scope=alexa%3A%3Aproactive_events', timeoutMs: 1234 }]);
});

it('posts exactly the documented form', async () => {
  let received: { contentType?: string; body: string } = { body: '' };
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received = { contentType: req.headers['content-type'], body };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ access_token: 'T', expires_in: 3600, scope: 'alexa::proactive_events', token_type: 'Bearer' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = new TokenClient({ clientId: 'id&1', clientSecret: 'a b+c=d', tokenUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/o2/token` });
    await expect(client.token()).resolves.toBe('T'); // token_type compared case-insensitively
    expect(received.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(received.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'id&1',
      client_secret: 'a b+c=d',
      scope: 'alexa::proactive_events',
    });
  } finally {
    server.close();
  }
});

it('never shows the secret or the token when printed', async () => {
  const token = await setup.tokens.token();
  for (const printed of [inspect(setup.tokens, { depth: 5, showHidden: true }), JSON.stringify(setup.tokens), String(setup.tokens)]) {
    expect(printed).not.toContain(CLIENT_SECRET);
    expect(printed).not.toContain(token);
  }
});

it.each([
  [{ clientId: undefined, clientSecret: 'secret' }, [{ path: 'clientId', message: 'required: a string' }]],
  [{ clientId: 'id', clientSecret: '' }, [{ path: 'clientSecret', message: 'must not be empty', value: '' }]],
  [{ clientId: '', clientSecret: 42 }, [{ path: 'clientId', message: 'must not be empty', value: '' }, { path: 'clientSecret', message: 'expected a string, not number' }]],
])('refuses credentials that are not there, naming each option and which credentials are meant (%p)', (credentials, issues) => {
  const make = () => new TokenClient(credentials as unknown as { clientId: string; clientSecret: string });
  expect(make).toThrow(expect.objectContaining({ name: 'OptionsError', code: 'ERR_INVALID_OPTIONS', issues }));
  expect(make).toThrow(/^TokenClient's options are invalid \(\d problems?\):\n  - client/);
  expect(make).toThrow(/Alexa Skill Messaging client id and secret as clientId and clientSecret/);
  // A secret of the wrong type is never shown: it may be one.
  expect(make).not.toThrow(/42/);
});
