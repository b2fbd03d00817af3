import { execFileSync, spawnSync } from 'child_process';
import { randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import AdmZip from 'adm-zip';
import { buildRequest } from 'alexa-proactive-events';
import { triggerRequest, type TriggerData } from 'alexa-proactive-events/trigger';
import { eventDefinition, eventFromInputs } from 'alexa-proactive-events/internal';
import { getJson, median, percentile, pool, postJson } from './client';
import { run, start, type Running } from './processes';

/**
 * `npm run bench`: every part in its own process on loopback, each scenario side by side with its baseline in
 * one run (alternating rounds), medians and ratios printed and written to dist/bench/results.json
 * (`npm run bench -- --save`: bench/results.json). `npm run bench -- lambda commands` runs only those scenarios.
 */
const root = path.join(__dirname, '..', '..');
const dist = path.join(root, 'dist');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'proactive-bench-'));
const SECRET = randomBytes(32).toString('hex');
const CREDENTIALS = { ALEXA_CLIENT_ID: 'amzn1.application-oa2-client.bench', ALEXA_CLIENT_SECRET: randomBytes(16).toString('hex') };
const EMULATOR = path.join(root, 'packages', 'alexa-proactive-events', 'dist', 'cli', 'index.js');
const SKILL = path.join(dist, 'src', 'index.js');
const TRIGGER = path.join(root, 'packages', 'jovo-plugin-proactive-events', 'dist', 'cli', 'index.js');
const LISTENING = /listening on (http:\/\/[^\s/]+(?:\/webhook)?)/;
/** The skill id the bench's skills admit, and their Alexa requests name. */
const SKILL_ID = 'amzn1.ask.skill.00000000-0000-0000-0000-00000000be4c';
const weather = eventFromInputs('AMAZON.WeatherAlert.Activated', { 'alert-type': 'TORNADO', source: 'Weather Knows' });

interface Row {
  scenario: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean | null;
}
const rows: Row[] = [];
const results: Record<string, unknown> = {};

function emulator(latencyMs = 0): Promise<Running> {
  // --any-user: the fan-out's users are stored in the skill's database, not turned on one by one on the emulator.
  // Every accepted event kept: the scenarios check each user got theirs exactly once. Tokens kept for every event:
  // the tutorial's flow asks for one per event, and must not push out the one token ours keeps.
  return start(EMULATOR, ['emulator', '--port', '0', '--quiet', '--any-user', '--keep-events', '1000000', '--keep-tokens', '1000000', '--latency', String(latencyMs)], {}, /listening on (http:\/\/\S+)/);
}

function skill(amazon: Running, env: Record<string, string> = {}, script = SKILL): Promise<Running> {
  return start(
    script,
    [],
    {
      ...CREDENTIALS,
      SKILL_ID,
      TRIGGER_SECRET: SECRET,
      LWA_TOKEN_URL: `${amazon.url}/auth/o2/token`,
      PROACTIVE_API_ENDPOINTS: amazon.url,
      JOVO_PORT: '0',
      FILEDB_PATH: path.join(work, `skill-${randomUUID()}.json`),
      ...env,
    },
    LISTENING,
  );
}

/** A signed Multicast weather alert for the skill's hidden intent. */
function trigger(amazon: Running, referenceId: string) {
  const data: TriggerData = { ...weather, referenceId, stage: 'development', explicitEndpoint: true };
  return triggerRequest({ skillId: SKILL_ID, intent: 'WeatherAlertIntent', data, apiEndpoint: amazon.url, locale: 'en-US', secret: SECRET });
}

/** A plain Alexa request, as the tutorial's trigger sends it. */
function alexa(type: 'LaunchRequest' | 'IntentRequest', apiEndpoint: string, intent?: string) {
  const user = { userId: 'amzn1.ask.account.BENCH' };
  return {
    version: '1.0',
    session: { new: true, sessionId: `session.${randomUUID()}`, application: { applicationId: SKILL_ID }, user },
    context: { System: { application: { applicationId: SKILL_ID }, user, apiEndpoint } },
    request: { type, requestId: `request.${randomUUID()}`, timestamp: new Date().toISOString(), locale: 'en-US', ...(intent && { intent: { name: intent, confirmationStatus: 'NONE' } }) },
  };
}

async function stats(amazon: Running) {
  return getJson<{ accepted: number; tokensIssued: number }>(`${amazon.url}/stats`);
}

function expectOk(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** An access token of `amazon`'s, for the baselines that post to it directly. */
async function accessToken(amazon: Running): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'bench', client_secret: 'bench', scope: 'alexa::proactive_events' });
  return ((await (await fetch(`${amazon.url}/auth/o2/token`, { method: 'POST', body: form })).json()) as { access_token: string }).access_token;
}

/** `median [min–max]` of a scenario's per-round figures. */
function spread(values: readonly number[]): string {
  return `${fmt(median(values))} [${fmt(Math.min(...values))}–${fmt(Math.max(...values))}]`;
}

/**
 * 1. Signed triggers through the skill, beside a client posting the same events straight to the emulator at the
 * same concurrency (what the skill's hop costs), with 20 ms on every emulator answer; and beside the tutorial's
 * flow, on an emulator of its own (its token per event would crowd the skill's out of a shared emulator's store).
 */
async function pipeline(rounds = 5, perRound = 200, concurrency = 8) {
  const amazon = await emulator(20);
  const tutorialAmazon = await emulator(20);
  const ours = await skill(amazon);
  const tutorial = await start(path.join(dist, 'bench', 'tutorial.js'), [], { ...CREDENTIALS, EMULATOR_URL: tutorialAmazon.url }, LISTENING);
  const token = await accessToken(amazon);
  const rates = { ours: [] as number[], direct: [] as number[], tutorial: [] as number[] };
  const latency = { ours: [] as number[], direct: [] as number[], tutorial: [] as number[] };
  const tokens = { ours: 0, tutorial: 0 };
  const sides = {
    ours: async (id: string) => {
      const response = await postJson(ours.url, trigger(amazon, id));
      const [result] = (response.json as { proactiveEvents: Array<{ status: string }> }).proactiveEvents;
      expectOk(result.status === 'accepted', `ours: ${JSON.stringify(result)}`);
      return response.ms;
    },
    direct: async (id: string) => {
      const response = await postJson(`${amazon.url}/v1/proactiveEvents/stages/development`, buildRequest({ ...weather, referenceId: id }), { authorization: `Bearer ${token}` });
      expectOk(response.status === 202, `direct: ${response.status}`);
      return response.ms;
    },
    tutorial: async () => {
      const response = await postJson(tutorial.url, alexa('IntentRequest', tutorialAmazon.url, 'WeatherAlertIntent'));
      const speech = (response.json as { response: { outputSpeech: { ssml: string } } }).response.outputSpeech.ssml;
      expectOk(speech.includes('Status 202'), `tutorial: ${speech}`);
      return response.ms;
    },
  };
  const measure = async (side: keyof typeof sides, round: number, n: number, record: boolean) => {
    const server = side === 'tutorial' ? tutorialAmazon : amazon;
    const before = await stats(server);
    const ms = await pool(n, concurrency, async (i) => {
      const took = await sides[side](`pipeline-${side}-${round}-${i}`);
      if (record) latency[side].push(took);
    });
    const after = await stats(server);
    expectOk(after.accepted - before.accepted === n, `${side}: not every event accepted`);
    if (side !== 'direct') tokens[side] += after.tokensIssued - before.tokensIssued;
    if (record) rates[side].push(n / (ms / 1000));
  };
  for (const side of ['ours', 'direct', 'tutorial'] as const) await measure(side, -1, 20, false);
  tokens.tutorial = 0; // the tutorial asks for one per event; ours counts its one token, asked for in the warm-up

  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['ours', 'direct', 'tutorial'] as const) : (['tutorial', 'direct', 'ours'] as const);
    for (const side of order) await measure(side, round, perRound, true);
  }
  await Promise.all([amazon.stop(), tutorialAmazon.stop(), ours.stop(), tutorial.stop()]);
  const ratio = median(rates.ours) / median(rates.direct);
  const overTutorial = median(rates.ours) / median(rates.tutorial);
  results.pipeline = { rounds, perRound, concurrency, latencyMs: 20, rates, latency: summary(latency), tokens, ratio, overTutorial };
  rows.push(
    row(`1. pipeline, events/s (c=${concurrency}, 20 ms)`, spread(rates.ours), spread(rates.direct), ratio, '>= 0.95x a direct client', ratio >= 0.95, 'direct client'),
    row('   the same, beside the tutorial\'s flow', spread(rates.ours), spread(rates.tutorial), overTutorial, '', null, "tutorial's flow"),
    row('   latency p50 / p99, ms', `${fmt(median(latency.ours))} / ${fmt(percentile(latency.ours, 99))}`, `${fmt(median(latency.direct))} / ${fmt(percentile(latency.direct, 99))}`, null, '', null, 'direct client'),
    row(`   token requests (${rounds * perRound} events)`, tokens.ours, tokens.tutorial, null, 'one in total', tokens.ours <= 1, "tutorial's flow"),
  );
}

/**
 * Sends the trigger path has in flight at once during a fan-out: the trigger script's triggers (its --concurrency,
 * default 8) times the skill's sends per trigger (8). The ceiling's client posts at the same concurrency.
 */
const FAN_OUT_CONCURRENCY = 8 * 8;

/**
 * 2. One trigger run to 10,000 Unicast users (stored subscribers), beside the emulator's ceiling: a minimal client
 * (bench/direct.ts) posting the same bodies to the same emulator at the same concurrency. Both are cold processes
 * timed from spawn to exit, in alternating order.
 */
async function fanOut(rounds = 5, users = 10_000) {
  const ids = Array.from({ length: users }, (_, i) => `amzn1.ask.account.FAN${String(i).padStart(5, '0')}`);
  const usersFile = path.join(work, 'users.txt');
  fs.writeFileSync(usersFile, ids.join('\n'));
  const dbFile = path.join(work, 'subscribers.json');
  const state = { subscriptions: ['AMAZON.MessageAlert.Activated'], updatedAt: '2026-11-22T10:00:00Z', apiEndpoint: 'https://api.amazonalexa.com', locale: 'en-US' };
  fs.writeFileSync(dbFile, JSON.stringify(ids.map((userId) => ({ userId, userData: { data: { proactive: state } } })), null, '\t'));

  const amazon = await emulator(0);
  const ours = await skill(amazon, { FILEDB_PATH: dbFile });
  const message = eventDefinition('AMAZON.MessageAlert.Activated');
  const flags = Object.entries(message.example).flatMap(([flag, value]) => [`--${flag}`, value ?? '']);
  // The event as the trigger script builds it from these flags, in app.json's locales.
  const event = eventFromInputs(message.name, message.example, ['en-US', 'de-DE']);
  const rates = { pipeline: [] as number[], ceiling: [] as number[] };
  const delivered = async (side: string) => {
    const accepted = (await stats(amazon)).accepted;
    const audiences = new Set((await getJson<Array<{ audience: string }>>(`${amazon.url}/events`)).map((each) => each.audience));
    expectOk(accepted === users && audiences.size === users, `${side}: ${accepted} accepted, ${audiences.size} users reached of ${users}`);
  };
  const sides = {
    pipeline: async (round: number) => {
      const fan = await run(TRIGGER, [message.command, ...flags, '--users-file', usersFile, '--endpoint', ours.url, '--api-endpoint', amazon.url, '--reference-id', `fan-${round}`], { TRIGGER_SECRET: SECRET, SKILL_ID });
      expectOk(fan.status === 0, `fan-out: exit ${fan.status}\n${fan.stdout.slice(-500)}`);
      return fan.ms;
    },
    ceiling: async (round: number) => {
      const env = { BENCH_EMULATOR_URL: amazon.url, BENCH_USERS_FILE: usersFile, BENCH_EVENT: JSON.stringify(event), BENCH_CONCURRENCY: String(FAN_OUT_CONCURRENCY), BENCH_REFERENCE_ID: `ceiling-${round}` };
      const direct = await run(path.join(dist, 'bench', 'direct.js'), [], env);
      expectOk(direct.status === 0, `ceiling: exit ${direct.status}`);
      return direct.ms;
    },
  };
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? (['pipeline', 'ceiling'] as const) : (['ceiling', 'pipeline'] as const)) {
      await fetch(`${amazon.url}/events`, { method: 'DELETE' });
      const ms = await sides[side](round);
      await delivered(side);
      rates[side].push(users / (ms / 1000));
    }
  }
  const memory = ours.peakMemoryMb();
  await Promise.all([amazon.stop(), ours.stop()]);
  const share = median(rates.pipeline) / median(rates.ceiling);
  results.fanOut = { rounds, users, concurrency: FAN_OUT_CONCURRENCY, rates, skillPeakMemoryMb: memory, shareOfCeiling: share };
  rows.push(
    row(`2. fan-out, events/s (${users.toLocaleString('en-US')} users, ${FAN_OUT_CONCURRENCY} in flight)`, spread(rates.pipeline), spread(rates.ceiling), share, '>= 0.8x the ceiling', share >= 0.8, 'direct client'),
    row('   skill peak memory, MB', memory, '', null, '< 250 MB', memory < 250),
  );
}

/**
 * 3. The skill's own time per hidden-intent request, beside a bare Jovo v3 intent that answers text. A trigger
 * also waits for Amazon's answer: that hop, the same request sent straight to the emulator, is measured
 * alongside and taken out.
 */
async function overhead(rounds = 5, perRound = 100) {
  const amazon = await emulator(0);
  const ours = await skill(amazon);
  const bare = await start(path.join(dist, 'bench', 'bare.js'), [], { BARE_DB_PATH: path.join(work, 'bare.json') }, LISTENING);
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'bench', client_secret: 'bench', scope: 'alexa::proactive_events' });
  const { access_token: token } = (await (await fetch(`${amazon.url}/auth/o2/token`, { method: 'POST', body: form })).json()) as { access_token: string };
  const latency = { ours: [] as number[], amazon: [] as number[], bare: [] as number[] };
  const measure = async (side: 'ours' | 'amazon' | 'bare', round: number, n: number, record: boolean) => {
    for (let i = 0; i < n; i++) {
      const referenceId = `overhead-${side}-${round}-${i}`;
      const response =
        side === 'ours'
          ? await postJson(ours.url, trigger(amazon, referenceId))
          : side === 'amazon'
            ? await postJson(`${amazon.url}/v1/proactiveEvents/stages/development`, buildRequest({ ...weather, referenceId }), { authorization: `Bearer ${token}` })
            : await postJson(bare.url, alexa('IntentRequest', amazon.url, 'HelloIntent'));
      expectOk(response.status === (side === 'amazon' ? 202 : 200), `${side}: ${response.status}`);
      if (record) latency[side].push(response.ms);
    }
  };
  for (const side of ['ours', 'amazon', 'bare'] as const) await measure(side, -1, 50, false);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['ours', 'amazon', 'bare'] as const) : (['bare', 'amazon', 'ours'] as const);
    for (const side of order) await measure(side, round, perRound, true);
  }
  await Promise.all([amazon.stop(), ours.stop(), bare.stop()]);
  const own = median(latency.ours) - median(latency.amazon);
  const difference = own - median(latency.bare);
  results.overhead = { rounds, perRound, latency: summary(latency), skillOwnMedianMs: own, medianDifferenceMs: difference };
  rows.push(
    row('3. per trigger, ms p50 (p99)', `${fmt(median(latency.ours))} (${fmt(percentile(latency.ours, 99))})`, `${fmt(median(latency.bare))} (${fmt(percentile(latency.bare, 99))})`, null, '', null, 'bare Jovo intent'),
    row("   of which Amazon's answer, ms p50", median(latency.amazon), '', null, '', null),
    row("   skill's own time, ms p50", own, median(latency.bare), null, 'within 2 ms of bare', difference <= 2, 'bare Jovo intent'),
  );
}

/**
 * 4. Process start to first answered request, beside the same bare Jovo v3 app. Ours is what `npm start` serves
 * (the webhook's bundle, dist/index.js) and verifies Alexa's requests, as in production: its first request is a LaunchRequest signed as Alexa signs it (test/helpers/alexaStandin.ts: a test
 * root trusted beside Node's public roots, the chain served by S3 on loopback), so the answer includes the
 * signature, the download and the check of the chain. The bare app verifies nothing and is sent the same body unsigned.
 */
async function coldStart(rounds = 11) {
  // Loaded here: the test chain's keys take a moment to make, which the other scenarios need not wait for.
  const { alexaHeaders } = await import('../packages/jovo-plugin-proactive-events/test/helpers/alexaSigning');
  const { writeAlexaPreload } = await import('../test/helpers/alexaStandin');
  const preload = writeAlexaPreload(path.join(work, 'alexa-preload.js'), { publicRoots: true });
  // What `npm start` serves: the webhook's bundle, made now if the last build left it stale.
  const { ensureWebhookBundle, WEBHOOK_BUNDLE } = require(path.join(root, 'scripts', 'fresh.js')) as { ensureWebhookBundle(): void; WEBHOOK_BUNDLE: string };
  ensureWebhookBundle();
  const amazon = await emulator(0);
  const times = { ours: [] as number[], bare: [] as number[] };
  const once = async (side: 'ours' | 'bare') => {
    const startedAt = process.hrtime.bigint();
    const server =
      side === 'ours'
        ? await skill(amazon, { NODE_OPTIONS: `--require ${preload}` }, WEBHOOK_BUNDLE)
        : await start(path.join(dist, 'bench', 'bare.js'), [], { BARE_DB_PATH: path.join(work, `bare-${randomUUID()}.json`) }, LISTENING);
    const body = JSON.stringify(alexa('LaunchRequest', amazon.url));
    const response = await postJson(server.url, body, side === 'ours' ? alexaHeaders(body) : {});
    expectOk(response.status === 200, `${side}: ${response.status} ${JSON.stringify(response.json)}`);
    times[side].push(Number(process.hrtime.bigint() - startedAt) / 1e6);
    await server.stop();
  };
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const)) await once(side);
  }
  await amazon.stop();
  const ratio = median(times.ours) / median(times.bare);
  const spread = (values: number[]) => `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`;
  results.coldStart = { rounds, verified: true, ms: times, ratio };
  rows.push(row('4. cold start to first answer, ms (min–max)', spread(times.ours), spread(times.bare), ratio, '<= 1.2x bare Jovo', ratio <= 1.2, 'bare Jovo app'));
}

/**
 * 5. Lambda: the size of bundle.zip, and a container's cold start (a fresh process loads the handler and answers a
 * LaunchRequest, reading and writing its user in DynamoDB), beside a bare Jovo v3 app deployed as Jovo's template
 * deploys it: jovo-db-dynamodb on the AWS SDK v2, from node_modules, unbundled. Users in dynalite on loopback.
 */
async function lambda(rounds = 11) {
  const baseline = path.join(root, 'bench', 'lambda-baseline');
  if (!fs.existsSync(path.join(baseline, 'node_modules'))) {
    process.stderr.write('installing the Lambda baseline (bench/lambda-baseline) once…\n');
    execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: baseline, stdio: 'inherit' });
  }
  const built = await run(path.join(dist, 'scripts', 'bundle.js'), ['--out', path.join(work, 'bundle')], {});
  expectOk(built.status === 0, `npm run bundle failed:\n${built.stdout}`);
  const zipBytes = fs.statSync(path.join(work, 'bundle.zip')).size;
  const unpacked = path.join(work, 'unpacked');
  new AdmZip(path.join(work, 'bundle.zip')).extractAllTo(unpacked);

  const createDynalite = require('dynalite') as (options: object) => { listen(port: number, host: string, done: () => void): void; close(done: () => void): void; address(): { port: number } };
  const dynalite = createDynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => dynalite.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${dynalite.address().port}`;
  const env = { AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: endpoint, DYNAMODB_TABLE: 'users' };
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  await client.send(
    new CreateTableCommand({ TableName: 'users', KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
  );
  client.destroy();

  const sides = {
    ours: { file: path.join(unpacked, 'index.js'), env: { ...env, AWS_LAMBDA_FUNCTION_NAME: 'proactive-alerts', SKILL_ID: 'amzn1.ask.skill.00000000-0000-0000-0000-000000000000' }, says: 'Welcome' },
    baseline: { file: path.join(baseline, 'index.js'), env: { ...env, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' }, says: 'Hello' },
  };
  const times = { ours: [] as number[], baseline: [] as number[] };
  const once = async (side: keyof typeof sides, round: number) => {
    const { file, env: sideEnv, says } = sides[side];
    const started = await run(path.join(dist, 'bench', 'invoke.js'), [file, `amzn1.ask.account.COLD-${side}-${round}`], sideEnv, { stderr: true });
    const answer = JSON.parse(/^\{"ms".*$/m.exec(started.stderr)?.[0] ?? '{}') as { ms?: number; speech?: string };
    expectOk(started.status === 0 && answer.speech?.includes(says) === true, `${side}: no answer\n${started.stderr.slice(-500)}`);
    times[side].push(started.ms);
  };
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const)) await once(side, round);
  }
  await new Promise<void>((resolve) => dynalite.close(() => resolve()));
  const ratio = median(times.ours) / median(times.baseline);
  results.lambda = { rounds, zipBytes, ms: times, ratio };
  rows.push(
    row('5. Lambda bundle.zip, MB', zipBytes / 1024 / 1024, '', null, '<= 5 MB', zipBytes <= 5 * 1024 * 1024),
    row('   Lambda cold start to first answer, ms', median(times.ours), median(times.baseline), ratio, '<= 1.0x Jovo template', ratio <= 1.0, 'Jovo template on Lambda'),
  );
}

/**
 * 6. The commands of a developer's day, as they type them on an installed clone: `npm run -s trigger -- validate`
 * (time and peak memory of the whole process tree, from GNU time where the machine has it) and `npm run demo`.
 */
async function commands(rounds = 7) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const gnuTime = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const timed = (args: string[]) => {
    const startedAt = process.hrtime.bigint();
    const result = gnuTime
      ? spawnSync(gnuTime, ['-f', '%M', npm, ...args], { cwd: root, encoding: 'utf8' })
      : spawnSync(npm, args, { cwd: root, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
    expectOk(result.status === 0, `npm ${args.join(' ')}: exit ${result.status}\n${result.stderr.slice(-500)}`);
    const kb = gnuTime ? Number(result.stderr.trim().split('\n').pop()) : NaN;
    return { ms, mb: kb / 1024 };
  };
  const fixture = path.join('packages', 'alexa-proactive-events', 'examples', 'weather-alert.json');
  timed(['run', '-s', 'trigger', '--', 'validate', fixture]); // brings dist/ up to date, if a source changed
  const validate = Array.from({ length: rounds }, () => timed(['run', '-s', 'trigger', '--', 'validate', fixture]));
  const demo = Array.from({ length: Math.ceil(rounds / 2) }, () => timed(['run', '-s', 'demo']));
  const validateMs = median(validate.map((run) => run.ms));
  const validateMb = Math.max(...validate.map((run) => run.mb));
  const demoMs = median(demo.map((run) => run.ms));
  results.commands = { rounds, validate, demo };
  rows.push(
    row('6. npm run -s trigger -- validate, s', validateMs / 1000, '', null, '<= 1.0 s', validateMs <= 1000),
    row('   its peak memory, MB', Number.isNaN(validateMb) ? 'n/a (no /usr/bin/time)' : validateMb, '', null, '<= 200 MB', Number.isNaN(validateMb) ? null : validateMb <= 200),
    row('   npm run demo, s', demoMs / 1000, '', null, '<= 5 s', demoMs <= 5000),
  );
}

/**
 * 7. Every subscriber at their own time, beyond one invocation: `users` subscribers in three zones on DynamoDB
 * (dynalite, the table as infra/template.yaml declares it), one zone's 18:00 run through the fan-out queue (the SQS
 * stand-in) with 10% of Amazon's answers 429; the worker (the skill's Lambda handler, driven by the event source
 * mapping stand-in) in its own process. Each due user must be reached exactly once; the worker's peak memory is
 * compared at 10,000 and 100,000 users.
 */
async function subscribers(sizes = (process.env.BENCH_SUBSCRIBER_SIZES ?? '10000,100000').split(',').map(Number)) {
  const { createSqsStandIn } = require('../test/standins/sqs') as typeof import('../test/standins/sqs');
  const { createUsersTable } = require('../test/standins/usersTable') as typeof import('../test/standins/usersTable');
  const { INDEX, SUBSCRIBER_ZONES_KEY, indexEntry } = require('jovo-plugin-proactive-events/internal') as typeof import('jovo-plugin-proactive-events/internal');
  const { BatchWriteItemCommand, PutItemCommand } = require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  const { marshall } = require('@aws-sdk/util-dynamodb') as typeof import('@aws-sdk/util-dynamodb');
  const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];
  const TRASH = 'AMAZON.TrashCollectionAlert.Activated';
  const schedule = {
    name: 'trash-evening', cron: '0 18 * * TUE', timezone: 'user', defaultTimezone: 'America/New_York', to: 'subscribers',
    event: { name: TRASH, payload: { alert: { garbageTypes: ['RECYCLABLE_PLASTICS'], collectionDayOfWeek: 'TUESDAY' } } },
  };
  // The Lambda bundle as `npm run bundle` makes it, with the schedule in its app.json (as a skill would declare it).
  const bundle = path.join(work, 'fanout', 'bundle');
  const built = await run(path.join(dist, 'scripts', 'bundle.js'), ['--out', bundle], {});
  expectOk(built.status === 0, `npm run bundle failed:\n${built.stdout}`);
  const declared = JSON.parse(fs.readFileSync(path.join(bundle, 'app.json'), 'utf8')) as { schedules?: unknown[] };
  fs.writeFileSync(path.join(bundle, 'app.json'), JSON.stringify({ ...declared, schedules: [schedule] }));
  const runs: Array<Record<string, number | boolean>> = [];
  for (const users of sizes) {
    const createDynalite = require('dynalite') as (options: object) => { listen(port: number, host: string, done: () => void): void; close(done: () => void): void; address(): { port: number } };
    const dynalite = createDynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => dynalite.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${dynalite.address().port}`;
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    await createUsersTable(client, 'users');
    const amazon = await start(EMULATOR, ['emulator', '--port', '0', '--quiet', '--any-user', '--keep-events', '1000000', '--fault-rate', '0.1', '--fault-statuses', '429', '--retry-after', '0'], {}, /listening on (http:\/\/\S+)/);

    // The subscribers, written as the store writes them (their state, and the index attributes it derives).
    const seededAt = performance.now();
    await pool(Math.ceil(users / 25), 16, async (call) => {
      const items = Array.from({ length: Math.min(25, users - call * 25) }, (_, i) => {
        const n = call * 25 + i;
        const proactive = { subscriptions: [TRASH], updatedAt: '2026-12-01T10:00:00Z', apiEndpoint: amazon.url, locale: 'en-US', timeZone: ZONES[n % 3], timeZoneReadAt: '2026-12-01T10:00:00Z' };
        const entry = indexEntry(proactive)!;
        const item = { userId: `amzn1.ask.account.SUB${String(n).padStart(6, '0')}`, userData: { data: { proactive } }, version: 1, [INDEX.zoneAttribute]: entry.zone, [INDEX.regionAttribute]: entry.region, [INDEX.eventsAttribute]: entry.events };
        return { PutRequest: { Item: marshall(item) } };
      });
      let unprocessed: Record<string, unknown[]> | undefined = { users: items };
      while (unprocessed && Object.keys(unprocessed).length > 0) unprocessed = (await client.send(new BatchWriteItemCommand({ RequestItems: unprocessed as never }))).UnprocessedItems as never;
    });
    await client.send(new PutItemCommand({ TableName: 'users', Item: { userId: { S: SUBSCRIBER_ZONES_KEY }, zones: { SS: ZONES } } }));
    const seedMs = performance.now() - seededAt;
    client.destroy();

    // A queue with a dead-letter queue, as the template makes them; 1 SQS second is 100 ms here (delays, visibility).
    const sqs = await createSqsStandIn({ secondMs: 100 });
    const sqsClient = sqs.client();
    const { CreateQueueCommand } = require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs');
    await sqsClient.send(new CreateQueueCommand({ QueueName: 'fanout-dlq' }));
    await sqsClient.send(new CreateQueueCommand({ QueueName: 'fanout', Attributes: { VisibilityTimeout: '900', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: sqs.queueArn('fanout-dlq'), maxReceiveCount: 5 }) } }));

    // Every third user lives in Berlin, whose 18:00 the run is for.
    const due = Math.ceil(users / 3);
    const worker = await run(path.join(dist, 'bench', 'fanOutWorker.js'), [path.join(bundle, 'index.js')], {
      ...CREDENTIALS, SKILL_ID, TRIGGER_SECRET: SECRET, LWA_TOKEN_URL: `${amazon.url}/auth/o2/token`, PROACTIVE_API_ENDPOINTS: amazon.url,
      AWS_LAMBDA_FUNCTION_NAME: 'skill', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: endpoint, DYNAMODB_TABLE: 'users',
      AWS_ENDPOINT_URL_SQS: sqs.endpoint, FANOUT_QUEUE_URL: sqs.queueUrl('fanout'), LOG_FORMAT: 'off', POWERTOOLS_METRICS_DISABLED: 'true',
      BENCH_SCHEDULE_NAME: schedule.name, BENCH_SCHEDULED_TIME: '2026-12-08T17:00:00.000Z',
      // A heap bound well under a 512 MB function's: the run must fit in it whatever its number of users.
      NODE_OPTIONS: '--max-old-space-size=96',
    }, { stderr: true });
    expectOk(worker.status === 0, `subscribers worker: exit ${worker.status}\n${worker.stderr.slice(-1500)}`);
    const report = JSON.parse(worker.stdout.trim().split('\n').at(-1) ?? '{}') as { ms: number; queuedMs: number; peakMb: number; retainedMb: number; peaks: { rss: number }; mapping: { invocations: number; recordsDelivered: number; batchFailures: number; itemFailures: number } };
    const delivered = await getJson<{ accepted: number; faults?: number }>(`${amazon.url}/stats`);
    const audiences = new Set((await getJson<Array<{ audience: string }>>(`${amazon.url}/events`)).map((accepted) => accepted.audience));
    const berlin = [...audiences].every((audience) => Number(audience.slice(-6)) % 3 === 0);
    const once = delivered.accepted === due && audiences.size === due && berlin;
    const queue = sqs.stats('fanout');
    runs.push({ users, due, accepted: delivered.accepted, once, seedMs, queuedMs: report.queuedMs, ms: report.ms, usersPerSecond: due / (report.ms / 1000), peakMb: report.peaks.rss, maxRssMb: report.peakMb, retainedMb: report.retainedMb, messagesSent: queue.sent, deliveries: queue.received, deadLettered: queue.deadLettered, itemFailures: report.mapping.itemFailures });
    await Promise.all([amazon.stop(), sqs.close(), new Promise<void>((resolve) => dynalite.close(() => resolve()))]);
  }
  results.subscribers = { runs };
  for (const r of runs) {
    rows.push(row(`7. to subscribers, one zone of ${Number(r.users).toLocaleString('en-US')}: users/s (${Number(r.due).toLocaleString('en-US')} due, 10% 429)`, Number(r.usersPerSecond), '', null, 'each due user exactly once', r.once as boolean));
    rows.push(row('   worker memory, MB: RSS peak in the run / heap left after it', `${fmt(Number(r.peakMb))} / ${fmt(Number(r.retainedMb))}`, '', null, '', null));
  }
  const [small, large] = runs;
  if (small && large) {
    const perUserKb = ((Number(large.retainedMb) - Number(small.retainedMb)) * 1024) / (Number(large.due) - Number(small.due));
    rows.push(row(`   worker heap per extra due user, KB (${Number(small.users).toLocaleString('en-US')} → ${Number(large.users).toLocaleString('en-US')})`, perUserKb, '', null, 'flat: < 0.1 KB', perUserKb < 0.1));
    rows.push(row('   time per due user, ms (10k / 100k)', `${(Number(small.ms) / Number(small.due)).toFixed(2)} / ${(Number(large.ms) / Number(large.due)).toFixed(2)}`, '', null, '', null));
  }
}

/** The heap bound of the memory scenario's processes, in MB. */
const MEMORY_HEAP_MB = Number(process.env.BENCH_MEMORY_HEAP_MB ?? 64);

/**
 * 8. Memory flat in the number of users: a Unicast fan-out through the trigger script (`--users-file`, as `fanOut`
 * runs it) to every user the skill's FileDb holds, at each of BENCH_MEMORY_SIZES (default 10,000 and 100,000); a
 * new skill and emulator (its default window of kept events) at each size. Prints, for the skill, the trigger
 * script and the emulator, the peak of what each holds after a full collection (bench/liveMemory.ts, preloaded: the
 * flatness judged) and its peak RSS (GNU time's for the trigger script, where the machine has it), and what each
 * extra user added to both.
 */
async function memory(sizes = (process.env.BENCH_MEMORY_SIZES ?? '10000,100000').split(',').map(Number)) {
  const gnuTime = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const message = eventDefinition('AMAZON.MessageAlert.Activated');
  const flags = Object.entries(message.example).flatMap(([flag, value]) => [`--${flag}`, value ?? '']);
  const state = { subscriptions: [message.name], updatedAt: '2026-11-22T10:00:00Z', apiEndpoint: 'https://api.amazonalexa.com', locale: 'en-US' };
  type Sides = { skillMb: number; triggerMb: number; emulatorMb: number };
  const runs: Array<Sides & { held: Sides; ms: number; accepted: number; users: number }> = [];
  for (const users of sizes) {
    const folder = fs.mkdtempSync(path.join(work, 'memory-'));
    const usersFile = path.join(folder, 'users.txt');
    const dbFile = path.join(folder, 'db.json');
    // The users file and the database written a user at a time, the database as Jovo's FileDb writes it (tab-indented).
    const userId = (i: number) => `amzn1.ask.account.MEM${String(i).padStart(6, '0')}`;
    const usersOut = fs.openSync(usersFile, 'w');
    const dbOut = fs.openSync(dbFile, 'w');
    fs.writeSync(dbOut, '[');
    for (let i = 0; i < users; i++) {
      fs.writeSync(usersOut, `${userId(i)}\n`);
      const row = JSON.stringify([{ userId: userId(i), userData: { data: { proactive: state } } }], null, '\t').slice(1, -2);
      fs.writeSync(dbOut, `${i > 0 ? ',' : ''}${row}`);
    }
    fs.writeSync(dbOut, '\n]');
    fs.closeSync(usersOut);
    fs.closeSync(dbOut);

    // The same heap bound for all three at every size (BENCH_MEMORY_HEAP_MB, default 64): a process whose memory
    // grew with its users would run out of it at the larger size, where V8 would otherwise just let its heap grow.
    const bounded = { NODE_OPTIONS: `--max-old-space-size=${MEMORY_HEAP_MB} --require ${path.join(dist, 'bench', 'liveMemory.js')}` };
    const live = (name: string) => ({ ...bounded, BENCH_LIVE_MEMORY_FILE: path.join(folder, `${name}.live`) });
    const liveMb = (name: string) => Number(fs.readFileSync(path.join(folder, `${name}.live`), 'utf8')) / 2 ** 20;
    const amazon = await start(EMULATOR, ['emulator', '--port', '0', '--quiet', '--any-user'], live('emulator'), /listening on (http:\/\/\S+)/);
    const ours = await skill(amazon, { FILEDB_PATH: dbFile, ...live('skill') });
    const args = [message.command, ...flags, '--users-file', usersFile, '--endpoint', ours.url, '--api-endpoint', amazon.url, '--reference-id', `memory-${users}`];
    const fan = await run(TRIGGER, args, { TRIGGER_SECRET: SECRET, SKILL_ID, ...live('trigger') }, { stderr: true, via: gnuTime ? [gnuTime, '-f', '%M'] : [] });
    const { ms } = fan;
    const delivered = await stats(amazon);
    expectOk(fan.status === 0 && delivered.accepted === users, `memory: exit ${fan.status}, ${delivered.accepted} accepted of ${users}\n${fan.stdout.slice(-500)}${fan.stderr.slice(-500)}`);
    const triggerKb = gnuTime ? Number(fan.stderr.trim().split('\n').pop()) : NaN;
    const [skillMb, emulatorMb] = [ours.peakMemoryMb(), amazon.peakMemoryMb()];
    await Promise.all([amazon.stop(), ours.stop()]);
    const held = { skillMb: liveMb('skill'), triggerMb: liveMb('trigger'), emulatorMb: liveMb('emulator') };
    runs.push({ users, skillMb, triggerMb: triggerKb / 1024, emulatorMb, held, ms, accepted: delivered.accepted });
    fs.rmSync(folder, { recursive: true, force: true });
  }
  results.memory = { runs };
  const trio = (sides: Sides) => [sides.skillMb, sides.triggerMb, sides.emulatorMb].map((mb) => (Number.isNaN(mb) ? 'n/a' : fmt(mb))).join(' / ');
  for (const r of runs) {
    const size = `${r.users.toLocaleString('en-US')} (FileDb), ${MEMORY_HEAP_MB} MB heaps`;
    rows.push(row(`8. fan-out of ${size}: MB held after a full GC, skill / trigger / emulator`, trio(r.held), '', null, `${r.accepted.toLocaleString('en-US')} accepted`, null));
    rows.push(row(`   the same: peak RSS, MB`, trio(r), '', null, '', null));
  }
  const [small, large] = [runs[0], runs.at(-1)];
  if (small && large && large !== small) {
    const perUser = (from: Sides, to: Sides) => {
      const kb = (side: keyof Sides) => ((to[side] - from[side]) * 1024) / (large.users - small.users);
      return { skill: kb('skillMb'), trigger: kb('triggerMb'), emulator: kb('emulatorMb') };
    };
    const [held, rss] = [perUser(small.held, large.held), perUser(small, large)];
    results.memory = { runs, perExtraUserKb: { held, rss } };
    const span = `${small.users.toLocaleString('en-US')} → ${large.users.toLocaleString('en-US')}`;
    const show = (kb: { skill: number; trigger: number; emulator: number }) => [kb.skill, kb.trigger, kb.emulator].map((each) => (Number.isNaN(each) ? 'n/a' : each.toFixed(3))).join(' / ');
    const flat = Object.values(held).every((kb) => kb < 0.1);
    rows.push(row(`   held per extra user, KB (${span}): skill / trigger / emulator`, show(held), '', null, 'flat: each < 0.1 KB', flat));
    rows.push(row(`   peak RSS per extra user, KB (${span})`, show(rss), '', null, '', null));
  }
}

function row(scenario: string, ours: number | string, baseline: number | string, ratio: number | null, target: string, met: boolean | null, baselineName = ''): Row {
  const show = (value: number | string) => (typeof value === 'number' ? fmt(value) : value);
  return { scenario, ours: show(ours), baseline: `${show(baseline)}${baselineName && baseline !== '' ? ` (${baselineName})` : ''}`, ratio: ratio === null ? '' : `${ratio.toFixed(2)}x`, target, met };
}

function fmt(value: number): string {
  if (Number.isInteger(value) || value >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(value >= 10 ? 1 : 2);
}

function summary(latency: Record<string, number[]>) {
  return Object.fromEntries(Object.entries(latency).map(([side, values]) => [side, { p50: median(values), p99: percentile(values, 99), n: values.length }]));
}

function print(): void {
  const headers = { scenario: 'scenario', ours: 'ours', baseline: 'baseline', ratio: 'ratio', target: 'target', met: 'met' };
  const table = [headers, ...rows.map((r) => ({ ...r, met: r.met === null ? '' : r.met ? 'yes' : 'NO' }))];
  const widths = Object.keys(headers).map((key) => Math.max(...table.map((r) => String(r[key as keyof typeof r]).length)));
  for (const r of table) {
    console.log(Object.keys(headers).map((key, i) => String(r[key as keyof typeof r]).padEnd(widths[i])).join('  ').trimEnd());
  }
}

async function main(): Promise<void> {
  const save = process.argv.includes('--save');
  const only = process.argv.slice(2).filter((arg) => arg !== '--save');
  const scenarios = { pipeline, fanOut, overhead, coldStart, lambda, commands, subscribers, memory };
  console.log(`Benchmark on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
  for (const [name, scenario] of Object.entries(scenarios)) {
    if (only.length > 0 && !only.includes(name)) continue;
    process.stderr.write(`running ${name}…\n`);
    await scenario();
  }
  print();
  // The committed figures change only when asked: `npm run bench -- --save`.
  const file = save ? path.join(root, 'bench', 'results.json') : path.join(dist, 'bench', 'results.json');
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, table: rows, ...results }, null, 2)}\n`);
  console.log(`\nWritten to ${path.relative(process.cwd(), file)}${save ? '' : ' (npm run bench -- --save writes bench/results.json)'}`);
  fs.rmSync(work, { recursive: true, force: true });
  process.exitCode = rows.some((r) => r.met === false) ? 1 : 0;
}

void main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exitCode = 1;
});
