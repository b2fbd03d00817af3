import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import { createServer } from 'net';
import * as os from 'os';
import * as path from 'path';
import AdmZip from 'adm-zip';
import { triggerRequest } from 'alexa-proactive-events/trigger';
import { eventFromInputs } from 'alexa-proactive-events/internal';
import { createEmulator } from 'alexa-proactive-events/emulator';
import { handler } from '../src/index';
import { startFailure } from '../src/entry/webhook';
import { enUS } from '../src/skill/i18n/en-US';
import { WITHOUT_DOTENV } from './helpers/environment';
import { APPLICATION_ID, launchRequest, useStores } from './helpers/plugin';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { DynamoDb } from 'jovo-plugin-proactive-events/dynamodb';
import { createSqsStandIn } from './standins/sqs';

const root = path.join(__dirname, '..');
const entry = path.join(root, 'dist', 'src', 'index.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'proactive-entry-'));

// The compiled entry comes from test/globalSetup.js, which builds once, as `npm start` does before it serves.

/** Starts the compiled webhook as `npm start` does, and collects what it prints. */
/** Every child a test started, stopped after the file whatever happened to the test. */
const children = new Set<ChildProcess>();
afterAll(() => children.forEach((child) => child.kill('SIGKILL')));

function start(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, [entry, ...args], { cwd: root, env: { ...process.env, ...WITHOUT_DOTENV, SKILL_ID: APPLICATION_ID, ...env }, stdio: 'pipe' });
  children.add(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output, exited };
}

function listeningUrl(child: ChildProcess, output: { stdout: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = /listening on (http:\/\/\S+\/webhook)/.exec(output.stdout);
      if (match && /[Tt]riggers are/.test(output.stdout)) resolve(match[1]);
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening`)));
    check();
  });
}

/** Runs `npm start`'s entry with `env`, hands its URL to `use`, and stops it, whatever happens. */
async function serving(env: Record<string, string>, use: (url: string, output: { stdout: string; stderr: string }) => Promise<void>, args: string[] = []) {
  const server = start(env, args);
  try {
    await use(await listeningUrl(server.child, server.output), server.output);
  } finally {
    server.child.kill('SIGTERM');
  }
  return server.exited;
}

it('verifies Alexa requests by default, refusing an unsigned one before it is stored, and says so at start', async () => {
  const dbFile = path.join(tmp, 'verified', 'db.json');
  await serving({ JOVO_PORT: '0', FILEDB_PATH: dbFile }, async (url, output) => {
    const response = await fetch(url, { method: 'POST', body: JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.entry' })) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('SIGNATURE_INVALID');
    expect(fs.readFileSync(dbFile, 'utf8')).not.toContain('amzn1.ask.account.entry'); // Jovo's FileDb creates the file at start
    expect(output.stdout).toContain("Alexa's requests are verified: signature, certificate and timestamp.");
    expect(output.stdout).toContain(`Admits Alexa's requests for the skill ${APPLICATION_ID} alone (SKILL_ID).`);
    // Said at start, not at the first trigger.
    expect(output.stdout).toContain('Cannot send events: ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET are not set');
    expect(output.stderr).toMatch(/^Refused a request: 400 SIGNATURE_INVALID: Not verified as sent by Alexa: the SignatureCertChainUrl header is missing\n$/);
  });
});

it('serves POST /webhook on JOVO_PORT and HOST, stores users in FILEDB_PATH, and stops on SIGTERM', async () => {
  const dbFile = path.join(tmp, 'folder with spaces', 'db.json');
  const exited = serving({ JOVO_PORT: '0', HOST: '127.0.0.1', FILEDB_PATH: dbFile, ALEXA_VERIFY_REQUESTS: 'false' }, async (url, output) => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
    expect(output.stdout).toContain("Alexa's requests are NOT verified: ALEXA_VERIFY_REQUESTS=false.");
    const response = await fetch(url, { method: 'POST', body: JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.entry' })) });
    expect(response.status).toBe(200);
    expect(JSON.parse(fs.readFileSync(dbFile, 'utf8'))).toEqual([expect.objectContaining({ userId: 'amzn1.ask.account.entry' })]);
  });
  await expect(exited).resolves.toBe(0);
});

it('does not verify signatures under jovo3 run, whose relay re-serializes the body, and says why', async () => {
  const env = { JOVO_PORT: '0', FILEDB_PATH: path.join(tmp, 'relayed.json'), SKILL_ID: APPLICATION_ID };
  await serving(
    env,
    async (url, output) => {
      expect(output.stdout).toContain("Alexa's requests are NOT verified: the Jovo Webhook (jovo3 run) relays them re-serialized");
      expect(output.stdout).toContain(`Admits Alexa's requests for the skill ${APPLICATION_ID} alone (SKILL_ID).`);
      const response = await fetch(url, { method: 'POST', body: JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.relayed' })) });
      expect(response.status).toBe(200);
    },
    // What `jovo3 run` passes to the compiled index.js.
    ['--ignore', 'db/*', '--ignore', 'test/*', '--webhook', '--jovo-webhook', '--color'],
  );
});

it('refuses to listen beyond this machine without SKILL_ID, saying why', async () => {
  const server = start({ JOVO_PORT: '0', HOST: '0.0.0.0', SKILL_ID: '', FILEDB_PATH: path.join(tmp, 'unused.json') });
  await expect(server.exited).resolves.toBe(1);
  expect(server.output.stderr).toContain('SKILL_ID: required when HOST is "0.0.0.0", which other machines can reach');
});

it('refuses to start with an invalid JOVO_PORT, naming the variable and the value', async () => {
  const server = start({ JOVO_PORT: 'abc', FILEDB_PATH: path.join(tmp, 'unused.json') });
  await expect(server.exited).resolves.toBe(1);
  expect(server.output.stderr).toContain('JOVO_PORT');
  expect(server.output.stderr).toContain('(given "abc")');
});

it('says which variable to change when the port is taken', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const server = start({ JOVO_PORT: String(port), FILEDB_PATH: path.join(tmp, 'unused.json') });
    await expect(server.exited).resolves.toBe(1);
    expect(server.output.stderr).toContain('set JOVO_PORT to another port');
    // Under jovo3 run the port is the CLI's --port, and nothing claims the webhook keeps serving.
    const taken = Object.assign(new Error(`listen EADDRINUSE: address already in use 127.0.0.1:${port}`), { code: 'EADDRINUSE' });
    expect(startFailure(taken, ['node', 'index.js', '--jovo-webhook', '--port', String(port)])).toBe(
      `Cannot start the webhook: ${taken.message} (run jovo3 run --port with another port, or stop what listens there)`,
    );
  } finally {
    blocker.close();
  }
});

it('exports a Lambda handler that answers an Alexa request', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, WITHOUT_DOTENV, { FILEDB_PATH: path.join(tmp, 'lambda.json') });
  const result = await new Promise<unknown>((resolve, reject) => {
    void handler(launchRequest({ userId: 'amzn1.ask.account.lambda' }), {}, (error, body) => (error ? reject(error) : resolve(body)));
  }).finally(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });
  expect(result).toMatchObject({ response: { outputSpeech: { ssml: expect.stringContaining(`<speak>${enUS.translation.welcome}`) } } });
});

it.each([
  ['proactive-events', 'packages/jovo-plugin-proactive-events/bin/proactive-events.js'],
  ['alexa-proactive-events', 'packages/alexa-proactive-events/bin/alexa-proactive-events.js'],
])('%s stops quietly when the reader of its output goes away (| head)', async (_name, bin) => {
  const child = spawn(process.execPath, [path.join(root, bin), '--help'], { cwd: root, stdio: 'pipe' });
  child.stdout.destroy(); // before the command writes: its write meets a closed pipe
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk));
  await expect(new Promise((resolve) => child.once('exit', resolve))).resolves.toBe(0);
  expect(err).toBe('');
});

describe('npm run demo', () => {
  const demo = path.join(root, 'dist', 'src', 'entry', 'demo.js');
  // The demo needs no configuration: nothing of the developer's environment may help it.
  const bare = { PATH: process.env.PATH ?? '', HOME: tmp };

  it('triggers the eight events through their hidden intents and prints what users would hear', async () => {
    const child = spawn(process.execPath, [demo], { cwd: root, env: bare, stdio: 'pipe' });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(status).toBe(0);
    expect(out).toMatch(/^ {2}✓ amzn1\.ask\.account\.DEMO-EN \(en-US\) turned on 8 events; the skill at \S+ answered 200$/m);
    expect(out).toMatch(/^ {2}✓ amzn1\.ask\.account\.DEMO-DE \(de-DE\) turned on 8 events; the skill at \S+ answered 200$/m);
    const lines = out.split('\n').filter((line) => line.startsWith('  ✓ ') && line.includes('Intent'));
    expect(lines).toHaveLength(8);
    // Each Multicast reached the two users the skill heard subscribe.
    expect(lines[0]).toMatch(/^ {2}✓ weather +WeatherAlertIntent +accepted "There is a tornado alert for your area\. Provided by Weather Knows\." \(reached 2\)$/);
    expect(out).toContain('8 of 8 notifications accepted; 1 access token requested.');
    // The examples' dates are moved forward: no order arrives on a day already past.
    const arrival = /will arrive by (\w+ \d+, \d{4})\./.exec(out)![1];
    expect(Date.parse(`${arrival} 23:59:59Z`)).toBeGreaterThan(Date.now());
    expect(out).not.toMatch(/[0-9a-f]{64}/); // the trigger secret
  }, 60_000);

  it('keeps both servers running with --keep, shows the page, and stops on Ctrl-C', async () => {
    const child = spawn(process.execPath, [demo, '--keep'], { cwd: root, env: bare, stdio: 'pipe' });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('Ctrl-C stops them') && resolve()));
    const page = /Watch the notifications: (http:\/\/\S+\/)/.exec(out)![1];
    expect(await (await fetch(page)).text()).toContain('<h1>Notifications</h1>');
    expect(((await (await fetch(`${page}events`)).json()) as unknown[]).length).toBe(8);
    expect(out).toMatch(/TRIGGER_SECRET=\$\(cat \S+trigger-secret\) npm run trigger -- weather /);
    // The command it shows works as shown: signed for the demo's skill, with the secret from the file.
    const [, secretFile, args] = /TRIGGER_SECRET=\$\(cat (\S+)\) npm run trigger -- (.+ \\\n.+)\n/.exec(out)!;
    const argv = args.replace(/\\\n/, ' ').match(/"[^"]*"|\S+/g)!.map((arg) => arg.replace(/^"|"$/g, ''));
    const cli = path.join(root, 'packages', 'jovo-plugin-proactive-events', 'dist', 'cli', 'index.js');
    const triggered = spawnSync(process.execPath, [cli, ...argv, '--json'], { cwd: root, env: { ...bare, TRIGGER_SECRET: fs.readFileSync(secretFile, 'utf8') }, encoding: 'utf8' });
    expect([triggered.status, JSON.parse(triggered.stdout).status]).toEqual([0, 'accepted']);
    child.kill('SIGINT');
    await expect(exited).resolves.toBe(0);
    await expect(fetch(page)).rejects.toThrow();
  }, 60_000);
});

describe('npm run bundle', () => {
  const dynamo = useStores('BundleUsers').dynamo;
  // One build for the tests below: its folder (`bundle/`) and, beside it, bundle.zip.
  let work: string;
  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
    const built = spawn(process.execPath, [path.join(root, 'dist', 'scripts', 'bundle.js'), '--out', path.join(work, 'bundle')], { cwd: root, stdio: 'pipe' });
    await expect(new Promise((resolve) => built.once('exit', resolve))).resolves.toBe(0);
  }, 60_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  /** The function's environment as a deployment sets it, with users in the local DynamoDB and the emulator as Amazon. */
  const functionEnv = (amazonUrl: string, secret: string) => ({
    PATH: process.env.PATH ?? '',
    HOME: tmp,
    AWS_LAMBDA_FUNCTION_NAME: 'proactive-alerts',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    DYNAMODB_TABLE: 'BundleUsers',
    DYNAMODB_ENDPOINT: dynamo().endpoint,
    SKILL_ID: APPLICATION_ID,
    TRIGGER_SECRET: secret,
    ALEXA_CLIENT_ID: 'bundle',
    ALEXA_CLIENT_SECRET: 'bundle',
    LWA_TOKEN_URL: `${amazonUrl}/auth/o2/token`,
    PROACTIVE_API_ENDPOINTS: amazonUrl,
  });

  it('writes bundle.zip, whose index.handler, unpacked into an empty folder, serves Alexa, signed triggers and schedules with users in DynamoDB', async () => {
    expect(fs.statSync(path.join(work, 'bundle.zip')).size).toBeLessThanOrEqual(5 * 1024 * 1024);
    const unpacked = path.join(work, 'unpacked');
    new AdmZip(path.join(work, 'bundle.zip')).extractAllTo(unpacked);
    expect(fs.readdirSync(unpacked).filter((file) => !file.endsWith('.LEGAL.txt')).sort()).toEqual(['app.json', 'index.js']);

    // A fork's schedule, declared in the bundle's app.json, which the function reads at its first invocation.
    const declared = JSON.parse(fs.readFileSync(path.join(unpacked, 'app.json'), 'utf8'));
    const trashDay = { alert: { garbageTypes: ['GLASS'], collectionDayOfWeek: 'TUESDAY' } };
    declared.schedules = [{ name: 'trash-day', cron: '0 18 * * TUE', timezone: 'Europe/Berlin', to: 'all', event: { name: 'AMAZON.TrashCollectionAlert.Activated', payload: trashDay } }];
    fs.writeFileSync(path.join(unpacked, 'app.json'), JSON.stringify(declared));
    const scheduled = { proactiveEventsSchedule: { name: 'trash-day', scheduledTime: '2026-12-08T17:00:00Z' } };

    const amazon = await createEmulator({ port: 0 });
    try {
      const secret = 'a-trigger-secret-for-the-bundle-test';
      const data = { ...eventFromInputs('AMAZON.WeatherAlert.Activated', { 'alert-type': 'TORNADO' }), referenceId: 'bundle-1', stage: 'development' as const, explicitEndpoint: true };
      const trigger = triggerRequest({ skillId: APPLICATION_ID, intent: 'WeatherAlertIntent', data, apiEndpoint: amazon.url, locale: 'en-US', secret });
      const functionUrl = { version: '2.0', headers: { 'content-type': 'application/json' }, requestContext: { http: { method: 'POST' } }, body: Buffer.from(JSON.stringify(trigger)).toString('base64'), isBase64Encoded: true };
      const launch = launchRequest({ userId: 'amzn1.ask.account.BUNDLE' });
      // Run from outside the project, as Lambda would: nothing can come from a node_modules folder.
      const script = `const { handler } = require(${JSON.stringify(path.join(unpacked, 'index.js'))});
        const context = (id) => ({ functionName: 'proactive-alerts', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:proactive-alerts', memoryLimitInMB: '256', awsRequestId: id });
        (async () => process.stdout.write(JSON.stringify([await handler(${JSON.stringify(launch)}, context('one')), await handler(${JSON.stringify(functionUrl)}, context('two')), await handler(${JSON.stringify(scheduled)}, context('three'))])))();`;
      const env = { ...functionEnv(amazon.url, secret), AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand', PROACTIVE_API_ENDPOINT: amazon.url };
      const run = spawn(process.execPath, ['-e', script], { cwd: os.tmpdir(), env, stdio: 'pipe' });
      let out = '';
      let err = '';
      run.stdout.on('data', (chunk) => (out += chunk));
      run.stderr.on('data', (chunk) => (err += chunk));
      await expect(new Promise((resolve) => run.once('exit', resolve))).resolves.toBe(0);
      // The run's log line (CloudWatch's, on Lambda) comes first; the results are the last line.
      expect(out).toContain('Schedule trash-day (2026-12-08T17:00:00.000Z): AMAZON.TrashCollectionAlert.Activated 1 accepted\n');
      const [alexa, http, schedule] = JSON.parse(out.slice(out.lastIndexOf('\n') + 1)) as [{ response: { outputSpeech: { ssml: string } } }, { statusCode: number; body: string }, { referenceId: string; results: Array<{ status: string }> }];
      expect(alexa.response.outputSpeech.ssml).toContain(`<speak>${enUS.translation.welcome}`);
      expect(await dynamo().userIds('BundleUsers')).toContain('amzn1.ask.account.BUNDLE');
      expect(http.statusCode).toBe(200);
      expect(JSON.parse(http.body).proactiveEvents).toEqual([expect.objectContaining({ status: 'accepted', httpStatus: 202 })]);
      expect(schedule).toMatchObject({ referenceId: 'trash-day~20261208T170000Z', results: [{ status: 'accepted' }] });
      expect(amazon.accepted.map((event) => event.text)).toEqual(['There is a tornado alert for your area.', 'The coming Tuesday is glass collection day.']);
      expect(err).not.toMatch(/AWS SDK for JavaScript \(v2\)/);

      // The records, as Powertools' Logger writes them, and CloudWatch metrics in the embedded metric format.
      const lines = out.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
      const records = lines.filter((line) => !('_aws' in line));
      expect(records.map(({ message }) => message)).toEqual(['token', 'send', 'send', 'summary']);
      expect(records[1]).toMatchObject({ level: 'INFO', service: 'proactive-alerts', function_request_id: 'two', cold_start: false, event: 'AMAZON.WeatherAlert.Activated', status: 'accepted', referenceId: 'bundle-1' });
      expect(records[3]).toMatchObject({ run: 'schedule', name: 'trash-day', sends: 1, statuses: { accepted: 1 }, scheduledTime: '2026-12-08T17:00:00.000Z' });
      const metrics = lines.filter((line) => '_aws' in line) as Array<{ _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> }; [name: string]: unknown }>;
      // One blob for each invocation's sends (the token's went with the first).
      expect(metrics).toHaveLength(3);
      for (const blob of metrics) expect(blob._aws.CloudWatchMetrics[0]!.Namespace).toBe('AlexaProactiveEvents');
      expect(metrics.map((blob) => [blob.stage, blob.status, blob.Sends ?? blob.TokenRequests])).toEqual([
        [undefined, undefined, 1],
        ['development', 'accepted', 1],
        ['development', 'accepted', 1],
      ]);
      // No token, user id or trigger secret in what the function wrote (its answers, the last line, aside).
      expect(out.slice(0, out.lastIndexOf('\n')) + err).not.toMatch(new RegExp(`Atc\\||amzn1\\.ask\\.account\\.|${secret}`));
    } finally {
      await amazon.close();
    }
  }, 120_000);

  it("sends a run to every subscriber through the fan-out queue, the bundle's handler driven as SQS's event source mapping drives it", async () => {
    const bundle = path.join(work, 'bundle');
    const declared = JSON.parse(fs.readFileSync(path.join(bundle, 'app.json'), 'utf8'));
    const trash = { alert: { garbageTypes: ['GLASS'], collectionDayOfWeek: 'TUESDAY' } };
    declared.schedules = [{ name: 'trash-evening', cron: '0 18 * * TUE', timezone: 'user', defaultTimezone: 'America/New_York', to: 'subscribers', event: { name: 'AMAZON.TrashCollectionAlert.Activated', payload: trash } }];
    fs.writeFileSync(path.join(bundle, 'app.json'), JSON.stringify(declared));

    const [amazon, sqs] = await Promise.all([createEmulator({ port: 0 }), createSqsStandIn({ secondMs: 20 })]);
    try {
      // The subscribers, as the skill stores them: Berlin's five are due at 17:00 UTC, New York's two are not.
      const users = new DynamoDb({ tableName: 'BundleUsers', endpoint: dynamo().endpoint, region: 'us-east-1' });
      const zones = ['Europe/Berlin', 'Europe/Berlin', 'Europe/Berlin', 'Europe/Berlin', 'Europe/Berlin', 'America/New_York', 'America/New_York'];
      for (const [n, timeZone] of zones.entries()) {
        const proactive = { subscriptions: ['AMAZON.TrashCollectionAlert.Activated'], updatedAt: '2026-12-01T10:00:00Z', apiEndpoint: amazon.url, timeZone, timeZoneReadAt: '2026-12-01T10:00:00Z' };
        await users.save(`amzn1.ask.account.FAN-${n}`, 'userData', { data: { proactive } });
      }
      const client = sqs.client();
      await client.send(new CreateQueueCommand({ QueueName: 'fanout-dlq' }));
      await client.send(new CreateQueueCommand({ QueueName: 'fanout', Attributes: { VisibilityTimeout: '300', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: sqs.queueArn('fanout-dlq'), maxReceiveCount: 3 }) } }));
      const env = {
        ...functionEnv(amazon.url, 'a-trigger-secret-for-the-bundle-test'),
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
        FANOUT_QUEUE_URL: sqs.queueUrl('fanout'),
        FANOUT_BATCH_SIZE: '2',
        LOG_FORMAT: 'off',
        POWERTOOLS_METRICS_DISABLED: 'true',
        BENCH_SCHEDULE_NAME: 'trash-evening',
        BENCH_SCHEDULED_TIME: '2026-12-08T17:00:00Z',
      };
      // Scheduler's invocation queues the batches; the mapping then invokes the handler with them (bench/fanOutWorker.ts).
      const drive = async () => {
        const run = spawn(process.execPath, [path.join(root, 'dist', 'bench', 'fanOutWorker.js'), path.join(bundle, 'index.js')], { cwd: os.tmpdir(), env, stdio: 'pipe' });
        let out = '';
        let err = '';
        run.stdout.on('data', (chunk) => (out += chunk));
        run.stderr.on('data', (chunk) => (err += chunk));
        const status = await new Promise((resolve) => run.once('exit', resolve));
        // The AWS SDK's notice that its releases from 2027 need Node 22 (one for each copy: the bundle's, the mapping's)
        // is the only thing the run may print.
        const notice = /\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?https:\/\/a\.co\/\S+\n(\(Use `node --trace-warnings[^\n]*\n)?/g;
        expect({ status, err: err.replace(notice, '') }).toEqual({ status: 0, err: '' });
        return JSON.parse(out.trim().split('\n').at(-1)!) as { mapping: { recordsDelivered: number; batchFailures: number; itemFailures: number } };
      };
      const first = await drive();
      expect(first.mapping).toMatchObject({ recordsDelivered: 3, batchFailures: 0, itemFailures: 0 });
      expect(amazon.accepted.map((event) => event.audience).sort()).toEqual([0, 1, 2, 3, 4].map((n) => `amzn1.ask.account.FAN-${n}`));
      expect(amazon.accepted[0].text).toBe('The coming Tuesday is glass collection day.');

      // Scheduler delivers the run again: its batches go out again, and Amazon answers duplicate for every user.
      const again = await drive();
      expect(again.mapping).toMatchObject({ recordsDelivered: 3, batchFailures: 0, itemFailures: 0 });
      expect(amazon.accepted).toHaveLength(5);
      expect(sqs.stats('fanout')).toMatchObject({ sent: 6, deleted: 6, deadLettered: 0 });
    } finally {
      await Promise.all([amazon.close(), sqs.close()]);
    }
  }, 120_000);
});
