import { execFile, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

/**
 * The two packages as `npm pack --workspaces` writes them, installed from their tarballs into projects that have
 * nothing of this repository: the library into a plain Node project, both into a Jovo v3 app written from scratch.
 * Dependencies come from the npm registry (its cache, when warm), as they would for a user.
 */
const root = path.join(__dirname, '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'packages-'));
const packs = path.join(work, 'packs');
const exec = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
/** A project's environment: nothing of this repository's, nor of the npm script that runs this test. */
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), ...(process.env.npm_config_cache && { npm_config_cache: process.env.npm_config_cache }) };
const tarballs = { library: '', plugin: '' };
/** The two packages' folders, and the version each will be published as. */
const folders = { library: path.join(root, 'packages', 'alexa-proactive-events'), plugin: path.join(root, 'packages', 'jovo-plugin-proactive-events') };
const versionOf = (folder: string): string => JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')).version;

beforeAll(async () => {
  fs.mkdirSync(packs);
  const { stdout } = await exec(npm, ['pack', '--workspaces', '--pack-destination', packs, '--json', '--loglevel=error'], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
  const packed = JSON.parse(stdout) as Array<{ name: string; filename: string }>;
  tarballs.library = path.join(packs, packed.find((entry) => entry.name === 'alexa-proactive-events')!.filename);
  tarballs.plugin = path.join(packs, packed.find((entry) => entry.name === 'jovo-plugin-proactive-events')!.filename);
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A new project folder with this package.json. */
function project(name: string, manifest: object): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, ...manifest }, null, 2));
  return dir;
}

/** Runs node on `script` in `cwd`; resolves with its exit status and output. */
function node(cwd: string, args: string[], extra: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...env, ...extra }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

async function entries(tarball: string): Promise<string[]> {
  const { stdout } = await exec('tar', ['-tzf', tarball]);
  return stdout.split('\n').filter(Boolean);
}

describe('npm pack --workspaces', () => {
  it('writes exactly the two packages', () => {
    expect(fs.readdirSync(packs).sort()).toEqual([`alexa-proactive-events-${versionOf(folders.library)}.tgz`, `jovo-plugin-proactive-events-${versionOf(folders.plugin)}.tgz`]);
  });

  it('versions both packages alike, and the template and the plugin depend on exactly that version', () => {
    // The packages are released together (.changeset/config.json: fixed), under one tag; npm resolves the
    // template's dependencies to the workspaces only while their versions satisfy them.
    const version = versionOf(folders.library);
    const template = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const plugin = JSON.parse(fs.readFileSync(path.join(folders.plugin, 'package.json'), 'utf8'));
    expect({
      plugin: plugin.version,
      pluginNeeds: plugin.dependencies['alexa-proactive-events'],
      templateNeeds: [template.dependencies['alexa-proactive-events'], template.dependencies['jovo-plugin-proactive-events']],
    }).toEqual({ plugin: version, pluginNeeds: version, templateNeeds: [version, version] });
  });

  it.each(['library', 'plugin'] as const)('packs the %s with its README, license and compiled entries, and no sources, tests or maps', async (which) => {
    const files = await entries(tarballs[which]);
    const bin = which === 'library' ? 'alexa-proactive-events' : 'proactive-events';
    expect(files).toEqual(expect.arrayContaining(['package/package.json', 'package/README.md', 'package/LICENSE', 'package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/cli/index.js', `package/bin/${bin}.js`]));
    expect(files.filter((file) => /\/(src|test)\/|\.tsbuildinfo$|\.map$|\.ts$(?<!\.d\.ts)/.test(file))).toEqual([]);
  });

  it('gives the library its entries, its examples and JSON Schemas, and no Jovo among its dependencies', async () => {
    const files = await entries(tarballs.library);
    expect(files).toEqual(expect.arrayContaining(['package/dist/emulator/index.js', 'package/examples/weather-alert.json', 'package/json-schema/proactive-event-request.json']));
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'packages', 'alexa-proactive-events', 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies).filter((name) => name.startsWith('jovo'))).toEqual([]);
    expect(manifest).toMatchObject({ license: 'Apache-2.0', types: 'dist/index.d.ts', engines: { node: '>=20' }, bin: { 'alexa-proactive-events': 'bin/alexa-proactive-events.js' } });
    expect(Object.keys(manifest.exports)).toEqual(expect.arrayContaining(['.', './emulator']));
  });

  it('gives the plugin Jovo as peer dependencies, so an app keeps one copy', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'packages', 'jovo-plugin-proactive-events', 'package.json'), 'utf8'));
    expect(Object.keys(manifest.peerDependencies)).toEqual(expect.arrayContaining(['jovo-core', 'jovo-framework']));
    expect(Object.keys(manifest.dependencies).filter((name) => name.startsWith('jovo'))).toEqual([]);
    expect(manifest).toMatchObject({ license: 'Apache-2.0', types: 'dist/index.d.ts', bin: { 'proactive-events': 'bin/proactive-events.js' } });
  });
});

/**
 * publint's findings on a tarball, suggestions included, each as `type: message`. publint is an ES module only, so a
 * child process runs it; the tarball is read from its bytes, not packed again.
 */
const PUBLINT = `
import { readFile } from 'node:fs/promises';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
const bytes = await readFile(process.argv[1]);
const { messages, pkg } = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }, level: 'suggestion', strict: true });
console.log(JSON.stringify(messages.map((message) => message.type + ': ' + formatMessage(message, pkg, { color: false }))));
`;

/**
 * Refuses every connection of the process it is preloaded into: are-the-types-wrong must judge a tarball from its
 * bytes alone, without fetching anything (as it does with --from-npm). CI reaches the npm registry, so without the
 * guard a fetch would go unnoticed there and fail only where nothing is reachable.
 */
const OFFLINE = "require('node:net').Socket.prototype.connect = function () { throw new Error('are-the-types-wrong opened a connection'); };\n";

describe('publint and are-the-types-wrong, on the tarballs', () => {
  it.each(['library', 'plugin'] as const)('publint finds nothing in the %s, not even a suggestion', async (which) => {
    const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', PUBLINT, tarballs[which]], { cwd: root, env });
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it.each([
    ['library', ['.', './emulator', './cli']],
    ['plugin', ['.', './dynamodb', './powertools']],
  ] as const)('are-the-types-wrong finds no problem in the %s, in any resolution mode, offline', async (which, subpaths) => {
    const guard = path.join(work, 'offline.cjs');
    fs.writeFileSync(guard, OFFLINE);
    const cli = path.join(root, 'node_modules', '@arethetypeswrong', 'cli');
    const bin = path.join(cli, JSON.parse(fs.readFileSync(path.join(cli, 'package.json'), 'utf8')).bin.attw);
    // It exits 1 when it finds a problem: the report says which.
    const run = await exec(process.execPath, ['--require', guard, bin, tarballs[which], '--format', 'json'], { cwd: work, env, maxBuffer: 64 * 1024 * 1024 }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as { analysis: { types: { kind: string }; entrypoints: Record<string, { resolutions: Record<string, unknown> }>; problems: unknown[] } };
    expect(report.analysis.problems).toEqual([]);
    expect(run.code).toBe(0);
    expect(report.analysis.types.kind).toBe('included');
    // Every typed entry was looked at, in each of TypeScript's resolution modes.
    for (const subpath of subpaths) expect(Object.keys(report.analysis.entrypoints[subpath].resolutions).sort()).toEqual(['bundler', 'node10', 'node16-cjs', 'node16-esm']);
  });
});

/** Validates an example and sends it to the emulator: what a plain Node user writes, in either module system. */
const SEND = {
  imports: {
    mjs: "import { ProactiveEventsSender, TokenClient, buildRequest, previewText, validateRequest } from 'alexa-proactive-events';\nimport { createEmulator } from 'alexa-proactive-events/emulator';",
    cjs: "const { ProactiveEventsSender, TokenClient, buildRequest, previewText, validateRequest } = require('alexa-proactive-events');\nconst { createEmulator } = require('alexa-proactive-events/emulator');",
  },
  body: `
(async () => {
  const amazon = await createEmulator({ port: 0 });
  const tokens = new TokenClient({ clientId: 'plain-node', clientSecret: 'secret', tokenUrl: amazon.url + '/auth/o2/token' });
  const sender = new ProactiveEventsSender({ tokens, allowedOrigins: [amazon.url] });
  const body = buildRequest({ event: { name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { alertType: 'TORNADO', source: 'Weather Knows' } } } });
  const checked = validateRequest(body);
  const result = await sender.send(body, { apiEndpoint: amazon.url });
  console.log(JSON.stringify({ valid: checked.ok, heard: checked.ok && previewText(checked.request, 'en-US'), status: result.status, accepted: amazon.accepted.length }));
  await amazon.close();
})();
`,
};

describe('the library, in a plain Node project', () => {
  let dir: string;
  beforeAll(async () => {
    dir = project('plain-node', {});
    await exec(npm, [...INSTALL, tarballs.library], { cwd: dir, env });
  }, 180_000);

  it('installs without Jovo', () => {
    expect(fs.readdirSync(path.join(dir, 'node_modules')).filter((name) => name.startsWith('jovo'))).toEqual([]);
  });

  it('installs at most 15 packages in all, itself included, none of them Express, axios or Jovo', () => {
    // Every package npm installed, nested ones included, as its lockfile lists them (89 when the emulator ran on Express).
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const installed = Object.keys(lock.packages).filter((key) => key.startsWith('node_modules/')).map((key) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(installed).toContain('alexa-proactive-events');
    expect(installed.length).toBeLessThanOrEqual(15);
    expect(installed.filter((name) => ['express', 'axios'].includes(name) || name.startsWith('jovo-'))).toEqual([]);
  });

  it('loads neither Jovo, Express nor the emulator from its main entry', async () => {
    const script = "require('alexa-proactive-events'); console.log(JSON.stringify(Object.keys(require.cache)));";
    const { status, stdout } = await node(dir, ['-e', script]);
    expect(status).toBe(0);
    const loaded = JSON.parse(stdout) as string[];
    expect(loaded.some((file) => file.includes(`${path.sep}alexa-proactive-events${path.sep}dist${path.sep}index.js`))).toBe(true);
    expect(loaded.filter((file) => /[\\/](jovo-[^\\/]+|express|body-parser|commander)[\\/]|[\\/]dist[\\/](emulator|cli)[\\/]/.test(file))).toEqual([]);
  });

  it.each(['mjs', 'cjs'] as const)('validates and sends an event to the emulator from a .%s script', async (kind) => {
    fs.writeFileSync(path.join(dir, `send.${kind}`), `${SEND.imports[kind]}\n${SEND.body}`);
    const { status, stdout, stderr } = await node(dir, [`send.${kind}`]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ valid: true, heard: 'There is a tornado alert for your area. Provided by Weather Knows.', status: 'accepted', accepted: 1 });
  });

  it("runs its README's offline example as written", async () => {
    const offline = codeBlocks(path.join('packages', 'alexa-proactive-events', 'README.md'), 'js').find((block) => block.includes("from 'alexa-proactive-events/emulator'"));
    fs.writeFileSync(path.join(dir, 'offline.mjs'), offline!);
    const { status, stdout, stderr } = await node(dir, ['offline.mjs']);
    expect(stderr).toBe('');
    expect([status, stdout]).toEqual([0, 'accepted There is a tornado alert for your area.\n']);
  });

  it('runs its command, alexa-proactive-events, on the examples it ships', async () => {
    const bin = path.join(dir, 'node_modules', '.bin', 'alexa-proactive-events');
    const { stdout } = await exec(bin, ['preview', 'node_modules/alexa-proactive-events/examples/order-shipped.json'], { cwd: dir, env });
    expect(stdout).toBe('Your order from Amazon has been shipped and will arrive by November 23, 2018.\n');
  });
});

/** A Jovo v3 app written from scratch with the plugin: a handler that sends, the hidden intents, the webhook door. */
const JOVO_APP = `
const path = require('path');
const { App } = require('jovo-framework');
const { Alexa } = require('jovo-platform-alexa');
const { ProactiveEventsSender, TokenClient } = require('alexa-proactive-events');
const { createEmulator } = require('alexa-proactive-events/emulator');
const { ProactiveEvents, SerialFileDb, createWebhook, hiddenIntentHandlers, listen, skillEventHandlers } = require('jovo-plugin-proactive-events');

(async () => {
  const amazon = await createEmulator({ port: 0 });
  const tokens = new TokenClient({ clientId: 'jovo-app', clientSecret: 'secret', tokenUrl: amazon.url + '/auth/o2/token' });
  const sender = new ProactiveEventsSender({ tokens, allowedOrigins: [amazon.url] });
  const app = new App();
  app.use(
    new Alexa(),
    new SerialFileDb({ pathToFile: path.join(__dirname, 'db', 'db.json') }),
    new ProactiveEvents({ events: ['AMAZON.WeatherAlert.Activated'], sender, triggerSecret: process.env.TRIGGER_SECRET }),
  );
  app.setHandler({
    ...hiddenIntentHandlers,
    ON_EVENT: { ...skillEventHandlers },
    async NotifyMeIntent() {
      const result = await this.$proactiveEvents.send({ name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { alertType: 'SNOW_STORM' } } });
      this.tell(result.status);
    },
  });
  const server = await listen(createWebhook(app, { signatures: false, log: () => undefined }), 0, '127.0.0.1');
  console.log(JSON.stringify({ webhook: 'http://127.0.0.1:' + server.address().port + '/webhook', amazon: amazon.url }));
})();
`;

/** The code blocks of a README, in order, of a language (`ts`, `js`); with `section`, only those under that `## ` heading. */
function codeBlocks(readme: string, language: string, section?: string): string[] {
  let text = fs.readFileSync(path.join(root, readme), 'utf8');
  if (section !== undefined) {
    const start = text.indexOf(`\n## ${section}\n`);
    if (start < 0) throw new Error(`${readme} has no section "## ${section}"`);
    const end = text.indexOf('\n## ', start + 1);
    text = text.slice(start, end < 0 ? undefined : end);
  }
  return [...text.matchAll(new RegExp(`^\`\`\`${language}\n([\\s\\S]*?)^\`\`\``, 'gm'))].map((match) => match[1]);
}

describe('both packages, in a new Jovo v3 app', () => {
  let dir: string;
  const secret = randomBytes(32).toString('hex');
  beforeAll(async () => {
    dir = project('jovo-app', { dependencies: { 'jovo-framework': '3.6.2', 'jovo-platform-alexa': '3.6.3' } });
    await exec(npm, [...INSTALL, tarballs.library, tarballs.plugin], { cwd: dir, env });
    fs.writeFileSync(path.join(dir, 'app.js'), JOVO_APP);
    // The README's quick start, as a user copies it.
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'app.ts'), codeBlocks(path.join('packages', 'jovo-plugin-proactive-events', 'README.md'), 'ts')[0]);
  }, 240_000);

  it('keeps one copy of Jovo', () => {
    const copies = (name: string) => fs.readdirSync(path.join(dir, 'node_modules'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith(path.join(name, 'package.json')) && !file.includes(`${name}${path.sep}node_modules`));
    expect(copies('jovo-core')).toEqual([path.join('jovo-core', 'package.json')]);
  });

  it('offers Powertools records and metrics for Lambda at jovo-plugin-proactive-events/powertools', async () => {
    const script = `const { powertoolsTelemetry } = require('jovo-plugin-proactive-events/powertools');
      const telemetry = powertoolsTelemetry({ serviceName: 'new-app' });
      telemetry.onRequest({ ok: true, httpStatus: 200, latencyMs: 40 });
      telemetry.flush();`;
    const { status, stdout, stderr } = await node(dir, ['-e', script]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const [record, metrics] = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(record).toMatchObject({ level: 'INFO', message: 'token', service: 'new-app', ok: true });
    expect(metrics).toMatchObject({ service: 'new-app', TokenRequests: 1, _aws: { CloudWatchMetrics: [{ Namespace: 'AlexaProactiveEvents' }] } });
  });

  it('sends an event from a handler, and from a hidden intent the trigger script signs', async () => {
    const child = spawn(process.execPath, ['app.js'], { cwd: dir, env: { ...env, TRIGGER_SECRET: secret }, stdio: 'pipe' });
    let errors = '';
    child.stderr.on('data', (chunk) => (errors += chunk));
    try {
      // Jovo logs to stdout too (its colour codes on the same line): the app's own output is the JSON object.
      const { webhook, amazon } = await new Promise<{ webhook: string; amazon: string }>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk;
          const line = /\{"webhook".*\}/.exec(out);
          if (line) resolve(JSON.parse(line[0]));
        });
        child.once('exit', (code) => reject(new Error(`the app exited with ${code}: ${out}${errors}`)));
      });
      const user = { userId: 'amzn1.ask.account.NEW-APP' };
      const application = { applicationId: 'amzn1.ask.skill.new-app' };
      const intent = {
        version: '1.0',
        session: { new: true, sessionId: 'session.1', application, user },
        context: { System: { application, user, apiEndpoint: amazon } },
        request: { type: 'IntentRequest', requestId: 'request.1', timestamp: new Date().toISOString(), locale: 'en-US', intent: { name: 'NotifyMeIntent', confirmationStatus: 'NONE' } },
      };
      const response = await fetch(webhook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(intent) });
      expect(((await response.json()) as { response: { outputSpeech: { ssml: string } } }).response.outputSpeech.ssml).toBe('<speak>accepted</speak>');

      const bin = path.join(dir, 'node_modules', '.bin', 'proactive-events');
      const { stdout } = await exec(bin, ['weather', '--alert-type', 'TORNADO', '--endpoint', webhook, '--api-endpoint', amazon, '--secret', secret, '--json'], { cwd: dir, env });
      expect(JSON.parse(stdout)).toMatchObject({ event: 'AMAZON.WeatherAlert.Activated', status: 'accepted', httpStatus: 202 });

      // The plugin's events limit what is sent, whatever the sender would take: it was given no published events.
      const order = await exec(bin, ['order', '--status', 'ORDER_SHIPPED', '--seller', 'Amazon', '--endpoint', webhook, '--api-endpoint', amazon, '--secret', secret, '--json'], { cwd: dir, env }).catch(
        (error: { stdout: string }) => error,
      );
      expect(JSON.parse(order.stdout)).toMatchObject({
        event: 'AMAZON.OrderStatus.Updated',
        status: 'rejected',
        errors: [{ path: 'event.name', message: expect.stringContaining("is not one of the events this skill publishes (the plugin's events: AMAZON.WeatherAlert.Activated)") }],
      });

      const accepted = (await (await fetch(`${amazon}/events`)).json()) as Array<{ audience: string; text: string }>;
      expect(accepted.map(({ audience, text }) => [audience, text])).toEqual([
        ['amzn1.ask.account.NEW-APP', 'There is a snow storm alert for your area.'],
        ['Multicast', 'There is a tornado alert for your area.'],
      ]);
    } finally {
      child.kill();
    }
  });

  it.each([
    ['node', 'commonjs', []],
    ['node16', 'node16', []],
    ['node', 'commonjs', ['--exactOptionalPropertyTypes']],
  ])("type-checks the README's quick start, with moduleResolution %s (module %s) %p", async (moduleResolution, module, extra) => {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--noEmit', '--strict', '--skipLibCheck', '--esModuleInterop', '--target', 'ES2022', '--module', module, '--moduleResolution', moduleResolution, ...extra];
    const types = ['--types', 'node', '--typeRoots', path.join(root, 'node_modules', '@types')];
    const result = await exec(process.execPath, [tsc, ...flags, ...types, path.join('src', 'app.ts')], { cwd: dir, env }).catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe('');
  });
});

/** ask-sdk as the README's ask-sdk section installs it: exact versions, the ones the plugin pins (so npm's cache has them). */
const ASK_SDK = { core: '2.14.0', model: '1.86.0' };

/**
 * Drives the README's ask-sdk skill, compiled, in its project: the emulator as Amazon and Alexa (it keeps who turned
 * on what, and tells the skill as Alexa does), the skill served as a webhook host serves it, two users, an intent
 * for each, and the README's script run twice. Prints one JSON object of what happened.
 */
const ASK_SDK_DRIVER = `
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createEmulator } from 'alexa-proactive-events/emulator';

const [ANNA, BEN] = ['amzn1.ask.account.ANNA', 'amzn1.ask.account.BEN'];
const amazon = await createEmulator({ port: 0, subscribers: {} });
Object.assign(process.env, { ALEXA_CLIENT_ID: 'ask-sdk-skill', ALEXA_CLIENT_SECRET: 'secret', LWA_TOKEN_URL: amazon.url + '/auth/o2/token', PROACTIVE_API_ENDPOINTS: amazon.url });
const { skill } = await import('./dist/skill.js');

const host = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', async () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await skill.invoke(JSON.parse(body)))));
});
await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
amazon.setSkill({ url: 'http://127.0.0.1:' + host.address().port + '/' });

const weather = 'AMAZON.WeatherAlert.Activated';
const told = [];
for (const [user, events] of [[ANNA, [weather]], [BEN, [weather]], [BEN, []]]) told.push((await amazon.setSubscriptions(user, events)).skill.delivered);
const stored = JSON.parse(await readFile('users.json', 'utf8'));

const application = { applicationId: 'amzn1.ask.skill.ask-sdk' };
const said = async (userId) => {
  const user = { userId };
  const envelope = {
    version: '1.0',
    session: { new: true, sessionId: 'session.' + userId, application, user },
    context: { System: { application, user, apiEndpoint: amazon.url } },
    request: { type: 'IntentRequest', requestId: 'request.' + userId, timestamp: new Date().toISOString(), locale: 'en-US', intent: { name: 'NotifyMeIntent', confirmationStatus: 'NONE' } },
  };
  return (await skill.invoke(envelope)).response.outputSpeech.ssml;
};
const speech = { anna: await said(ANNA), ben: await said(BEN) };

const script = (args) =>
  new Promise((resolve) => execFile(process.execPath, ['dist/notify.js', ...args], (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr })));
const notify = { everyone: await script([]), anna: await script([ANNA]) };

const accepted = amazon.accepted.map(({ audience, text, reached }) => ({ audience, text, reached }));
const refused = amazon.refused.map(({ status, audience }) => ({ status, audience }));
console.log(JSON.stringify({ told, stored, speech, notify, accepted, refused }));
host.close();
await amazon.close();
`;

interface AskSdkOutcome {
  told: boolean[];
  stored: Record<string, { subscriptions?: string[]; apiEndpoint?: string; locale?: string; updatedAt?: string }>;
  speech: { anna: string; ben: string };
  notify: Record<'everyone' | 'anna', { code: number; stdout: string; stderr: string }>;
  accepted: Array<{ audience: string; text: string; reached?: string[] }>;
  refused: Array<{ status: number; audience: string }>;
}

describe("the library, in an ask-sdk-core skill: its README's ask-sdk section", () => {
  let dir: string;
  let compiled: { stdout: string };
  let outcome: AskSdkOutcome | undefined;
  let driven: { status: number | null; stdout: string; stderr: string };
  beforeAll(async () => {
    dir = project('ask-sdk-skill', { type: 'module' });
    await exec(npm, [...INSTALL, tarballs.library, `ask-sdk-core@${ASK_SDK.core}`, `ask-sdk-model@${ASK_SDK.model}`], { cwd: dir, env });
    // Each block names its file on its first line (`// src/skill.ts: …`).
    fs.mkdirSync(path.join(dir, 'src'));
    for (const block of codeBlocks(path.join('packages', 'alexa-proactive-events', 'README.md'), 'ts', 'With ask-sdk')) {
      const file = /^\/\/ (src\/\w+\.ts)[: ]/.exec(block);
      if (!file) throw new Error(`a block of the ask-sdk section names no file on its first line: ${block.split('\n')[0]}`);
      fs.writeFileSync(path.join(dir, file[1]), block);
    }
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--strict', '--skipLibCheck', '--target', 'ES2022', '--module', 'node16', '--moduleResolution', 'node16', '--rootDir', 'src', '--outDir', 'dist'];
    const types = ['--types', 'node', '--typeRoots', path.join(root, 'node_modules', '@types')];
    compiled = await exec(process.execPath, [tsc, ...flags, ...types, ...fs.readdirSync(path.join(dir, 'src')).map((file) => path.join('src', file))], { cwd: dir, env }).catch((error: { stdout: string }) => error);
    if (compiled.stdout !== '') return;
    fs.writeFileSync(path.join(dir, 'drive.mjs'), ASK_SDK_DRIVER);
    driven = await node(dir, ['drive.mjs']);
    if (driven.status === 0) outcome = JSON.parse(driven.stdout) as AskSdkOutcome;
  }, 240_000);

  it('installs ask-sdk-core beside the library and compiles the three files, strict, as the README shows them', () => {
    expect(fs.readdirSync(path.join(dir, 'src')).sort()).toEqual(['notify.ts', 'proactive.ts', 'skill.ts']);
    expect(compiled.stdout).toBe('');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'ask-sdk-core', 'package.json'), 'utf8')).version).toBe(ASK_SDK.core);
    expect({ status: driven.status, stderr: driven.status === 0 ? undefined : driven.stderr }).toEqual({ status: 0 });
  });

  it("stores each user's subscribed events, with their region, when Alexa says they changed", () => {
    expect(outcome?.told).toEqual([true, true, true]);
    const url = outcome?.stored['amzn1.ask.account.ANNA']?.apiEndpoint;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(outcome?.stored).toEqual({
      'amzn1.ask.account.ANNA': { subscriptions: ['AMAZON.WeatherAlert.Activated'], apiEndpoint: url, locale: 'en-US', updatedAt: expect.any(String) },
      'amzn1.ask.account.BEN': { subscriptions: [], apiEndpoint: url, locale: 'en-US', updatedAt: expect.any(String) },
    });
  });

  it('sends from an intent handler to that user, and tells a user who turned notifications off that it could not', () => {
    expect(outcome?.speech).toEqual({
      anna: '<speak>Done: ask Alexa for your notifications.</speak>',
      ben: '<speak>I could not send it. Are notifications for this skill on in the Alexa app?</speak>',
    });
    // Amazon refused Ben's event (the sender tries once more with a new token after a 403), and the skill logged why.
    expect([...new Set(outcome?.refused.map(({ status, audience }) => `${status} ${audience}`))]).toEqual(['403 amzn1.ask.account.BEN']);
    expect(driven.stderr).toMatch(/^rejected .*The user is not subscribed to AMAZON\.WeatherAlert\.Activated/s);
  });

  it('sends from a script outside any session: a Multicast to every subscriber, or a Unicast to the users named', () => {
    expect(outcome?.notify.everyone).toEqual({ code: 0, stdout: expect.stringMatching(/^accepted \S+\n$/), stderr: '' });
    expect(outcome?.notify.anna).toEqual({ code: 0, stdout: expect.stringMatching(/^accepted \S+\n$/), stderr: '' });
    expect(outcome?.accepted).toEqual([
      { audience: 'amzn1.ask.account.ANNA', text: 'There is a snow storm alert for your area. Provided by Weather Knows.', reached: ['amzn1.ask.account.ANNA'] },
      { audience: 'Multicast', text: 'There is a tornado alert for your area. Provided by Weather Knows.', reached: ['amzn1.ask.account.ANNA'] },
      { audience: 'amzn1.ask.account.ANNA', text: 'There is a tornado alert for your area. Provided by Weather Knows.', reached: ['amzn1.ask.account.ANNA'] },
    ]);
  });
});
