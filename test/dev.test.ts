import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { EXIT } from 'alexa-proactive-events/cli';
import { DEV_SESSION_FILE, readDevSession } from 'jovo-plugin-proactive-events/internal';
import { runTrigger } from '../packages/jovo-plugin-proactive-events/src/cli';
import { enUS } from '../src/skill/i18n/en-US';
import { WITHOUT_DOTENV } from './helpers/environment';

const root = path.join(__dirname, '..');
/** True when `line` has a character a terminal acts on: a C0 control, DEL or a C1 control. */
const hasControls = (line: string) => [...line].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f));
const DEV = path.join(root, 'dist', 'src', 'entry', 'dev.js');
const ME = 'amzn1.ask.account.DEV-TEST';

/** Runs the trigger script in-process from the project's folder, as `npx proactive-events` would. */
async function trigger(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runTrigger(argv, { out: (text) => (out += text), err: (text) => (err += text), cwd: root, env: {} });
  return { status, out, err };
}

// This file runs npm run dev in the project's folder, which a developer's own npm run dev holds: then it is skipped
// (never on CI), and says so.
const ownDev = process.env.CI ? undefined : readDevSession(root);
if (ownDev) console.warn(`npm run dev tests skipped: your own npm run dev (process ${ownDev.pid}) runs in this folder; stop it to run them`);

(ownDev ? describe.skip : describe)('npm run dev', () => {
  let child: ChildProcess;
  let out = '';
  const until = (pattern: RegExp, after = 0) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const found = pattern.exec(out.slice(after));
        if (found) resolve(found);
      };
      check();
      child.stdout!.on('data', check);
      child.once('exit', (code) => reject(new Error(`npm run dev exited with ${code}:\n${out}`)));
    });

  beforeAll(async () => {
    // Free ports, and a HOST beyond this machine that the development loop must not take.
    // Its users in a folder of its own: the project's db/ is the developer's.
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-home-'));
    const env = { ...WITHOUT_DOTENV, PATH: process.env.PATH ?? '', HOME: home, FILEDB_PATH: path.join(home, 'db.json'), JOVO_PORT: '0', EMULATOR_PORT: '0', HOST: '0.0.0.0' };
    child = spawn(process.execPath, [DEV], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk) => (out += chunk));
    child.stderr!.on('data', (chunk) => (out += chunk));
    await until(/Ctrl-C stops\./);
  }, 30_000);
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves the skill and the emulator on loopback, and leaves the session, secret included, to this user alone', () => {
    const session = readDevSession(root)!;
    expect(session.webhook).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
    expect(session.emulator).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fs.statSync(path.join(root, DEV_SESSION_FILE)).mode & 0o077).toBe(0);
    expect(out).toContain(`Amazon emulator   ${session.emulator}  notifications and subscribers: ${session.emulator}/`);
    expect(out).toContain('npx proactive-events invoke launch');
    expect(out).not.toContain(session.secret);
  });

  it('answers invoke, takes subscriptions from the emulator, and sends a trigger with nothing but its flags', async () => {
    const launch = await trigger('invoke', 'launch', '--user', ME);
    expect(launch.status).toBe(0);
    expect(launch.out).toContain(`Alexa says: ${enUS.translation.welcome}`);
    expect((await trigger('subscribe', '--user', ME, '--event', 'weather')).out).toContain('answered 200');
    const sent = await trigger('weather', '--alert-type', 'TORNADO', '--user', ME);
    expect(sent.err).toMatch(/^\(npm run dev: the skill at http:\/\/127\.0\.0\.1:\d+\/webhook, the emulator at http:\/\/127\.0\.0\.1:\d+ as Amazon\)\n$/);
    expect(sent).toMatchObject({ status: 0, out: expect.stringMatching(new RegExp(`^✓ AMAZON\\.WeatherAlert\\.Activated accepted for ${ME} \\(202`)) });
    // The user turned only weather alerts on: the skill knows, and sends no trash day.
    const skipped = await trigger('trash', '--garbage-types', 'GLASS', '--collection-day-of-week', 'TUESDAY', '--user', ME);
    expect(skipped.out + skipped.err).toContain('skipped');
  });

  it("sets the device's time zone with invoke --timezone, and the skill reads it from the emulator as from Alexa", async () => {
    const from = out.length;
    const zoned = await trigger('invoke', 'launch', '--user', `${ME}-BERLIN`, '--timezone', 'Europe/Berlin');
    expect(zoned.status).toBe(0);
    await until(/\[amazon\] PUT \/settings\/amzn1\.ask\.device\.DEV 200\n[^]*\[amazon\] GET \/v2\/devices\/amzn1\.ask\.device\.DEV\/settings\/System\.timeZone 200\n/, from);
  });

  it("passes doctor's checks, the committed manifest's placeholder endpoint only noted (doctor.test.ts fails each alone)", async () => {
    const { status, out } = await trigger('doctor', '--event', 'AMAZON.WeatherAlert.Activated');
    expect(out).toMatch(/^✓ manifest: .*, events to a placeholder \(https:\/\/skill\.example\.com\/webhook\), enough for npm run dev: set SKILL_ENDPOINT or SKILL_LAMBDA_ARN and build before you deploy$/m);
    expect(out).toMatch(/All 10 checks passed\.\n$/);
    expect(status).toBe(0);
  });

  it("escapes what a client chose before it reaches the terminal: a user id can neither forge Amazon's line nor clear the screen", async () => {
    const { emulator } = readDevSession(root)!;
    const from = out.length;
    const forged = `${ME}\n[amazon] POST /v1/proactiveEvents 202 AMAZON.WeatherAlert.Activated\u001b[2J\u009b2J`;
    const put = await fetch(`${emulator}/subscriptions/${encodeURIComponent(forged)}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"events":[]}' });
    expect(put.status).toBe(200);
    await until(/\[amazon\] PUT \/subscriptions\/\S+ 200\n/, from);
    const lines = out.slice(from).split('\n');
    expect(lines.filter(hasControls)).toEqual([]);
    expect(lines.filter((line) => line.startsWith('[amazon] POST'))).toEqual([]);
    expect(lines).toContain(`[amazon] subscriptions of ${JSON.stringify(forged).replace('\u009b', '\\u009b')}: none`);
  });

  const RESTARTED = /\[dev\] restarted: http:\/\/127\.0\.0\.1:\d+\/webhook/;

  it('rebuilds and restarts the skill when a source changes', async () => {
    const from = out.length;
    const appJson = path.join(root, 'app.json');
    fs.writeFileSync(appJson, fs.readFileSync(appJson));
    await until(RESTARTED, from);
    expect((await trigger('invoke', 'launch')).status).toBe(0);
  }, 30_000);

  it('follows a file replaced by a rename, as editors, sed -i and git checkout do, on every later change too', async () => {
    const source = path.join(root, 'src', 'skill', 'handlers.ts');
    const replace = () => {
      const copy = `${source}.dev-test`;
      fs.writeFileSync(copy, fs.readFileSync(source));
      fs.renameSync(copy, source);
    };
    for (let round = 0; round < 2; round++) {
      const from = out.length;
      replace();
      await until(RESTARTED, from);
    }
  }, 30_000);

  it('stops on Ctrl-C, the skill with it, and removes its session', async () => {
    const { webhook } = readDevSession(root)!;
    child.kill('SIGINT');
    await expect(new Promise((resolve) => child.once('exit', resolve))).resolves.toBe(0);
    expect(out).toContain('[dev] stopped: the skill and the emulator are closed');
    expect(fs.existsSync(path.join(root, DEV_SESSION_FILE))).toBe(false);
    await expect(fetch(webhook)).rejects.toThrow();
  });
});

/** Starts npm run dev with `env` over a clean environment, its users in a folder of its own. */
function startDev(env: Record<string, string> = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-home-'));
  const child = spawn(process.execPath, [DEV], {
    cwd: root,
    env: { ...WITHOUT_DOTENV, PATH: process.env.PATH ?? '', HOME: home, FILEDB_PATH: path.join(home, 'db.json'), JOVO_PORT: '0', EMULATOR_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { text: '' };
  child.stdout.on('data', (chunk) => (output.text += chunk));
  child.stderr.on('data', (chunk) => (output.text += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = new Promise<void>((resolve, reject) => {
    const check = () => /Ctrl-C stops\./.test(output.text) && resolve();
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`npm run dev exited with ${code}:\n${output.text}`)));
  });
  started.catch(() => undefined); // a test that expects it to fail awaits `exited` instead
  return { child, output, exited, started };
}

/** The processes `pid` started (ps: Linux, macOS). */
function childrenOf(pid: number): number[] {
  const ps = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  return ps.stdout.split('\n').map((line) => line.trim().split(/\s+/).map(Number)).filter(([, ppid]) => ppid === pid).map(([child]) => child);
}

/** True once `pid` has exited (a zombie nobody reaped yet counts: it serves nothing). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

async function within(ms: number, done: () => boolean | Promise<boolean>): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 50))) if (await done()) return true;
  return done();
}

const sessionFile = path.join(root, DEV_SESSION_FILE);

(ownDev ? describe.skip : describe)('npm run dev, however it ends', () => {
  const running = new Set<ChildProcess>();
  afterEach(() => running.forEach((child) => child.kill('SIGKILL')));
  // A run killed outright leaves its file behind: this folder is the developer's, so the test removes it.
  afterAll(() => fs.rmSync(sessionFile, { force: true }));

  it('stops its skill within a few seconds when it is killed outright, and the trigger script ignores the file it left', async () => {
    const dev = startDev();
    running.add(dev.child);
    await dev.started;
    const { webhook, pid } = readDevSession(root)!;
    const [skill] = childrenOf(pid);
    expect(skill).toBeGreaterThan(0);
    // A request sent slowly, byte by byte, keeps none of it alive: the skill exits with its parent, open or not.
    const { port } = new URL(webhook);
    const slow = net.connect(Number(port), '127.0.0.1', () => slow.write('POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{'));
    slow.on('error', () => undefined);
    dev.child.kill('SIGKILL');
    await dev.exited;
    expect(await within(5000, () => gone(skill))).toBe(true);
    slow.destroy();
    await expect(fetch(webhook)).rejects.toThrow();
    const sent = await trigger('weather', '--alert-type', 'TORNADO', '--dry-run');
    expect(sent.err).toContain(`ignored ${DEV_SESSION_FILE}: process ${pid} is gone (stale file from a run that was killed); start npm run dev again\n`);
  }, 30_000);

  it('removes its session when Ctrl-C comes twice, the second before the first is done', async () => {
    const dev = startDev();
    running.add(dev.child);
    await dev.started;
    dev.child.kill('SIGINT');
    dev.child.kill('SIGINT');
    await expect(dev.exited).resolves.toBe(0);
    expect(fs.existsSync(sessionFile)).toBe(false);
  }, 30_000);

  it.each(['SIGTERM', 'SIGHUP', 'SIGQUIT'] as const)('removes its session and stops its skill on %s', async (signal) => {
    const dev = startDev();
    running.add(dev.child);
    await dev.started;
    const [skill] = childrenOf(dev.child.pid!);
    dev.child.kill(signal);
    await expect(dev.exited).resolves.toBe(0);
    expect(fs.existsSync(sessionFile)).toBe(false);
    expect(await within(5000, () => gone(skill))).toBe(true);
  }, 30_000);

  it('removes its session on an uncaught exception', async () => {
    // A preload whose handler throws on SIGUSR2: an exception nothing catches, as a bug of dev.ts would throw.
    const preload = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dev-throw-')), 'throw.js');
    fs.writeFileSync(preload, "process.on('SIGUSR2', () => { throw new Error('a bug nobody caught'); });\n");
    const dev = startDev({ NODE_OPTIONS: `--require ${preload}` });
    running.add(dev.child);
    await dev.started;
    expect(fs.existsSync(sessionFile)).toBe(true);
    dev.child.kill('SIGUSR2');
    await expect(dev.exited).resolves.toBe(EXIT.failed);
    expect(dev.output.text).toContain('[dev] stopped by an error nothing caught: a bug nobody caught');
    expect(fs.existsSync(sessionFile)).toBe(false);
  }, 30_000);

  it("passes the skill's output on as text alone: no line forged with NEL, no C1 sequence", async () => {
    // The skill, refusing to run as a Lambda function without a table, prints the function's name back as given.
    const dev = startDev({ AWS_LAMBDA_FUNCTION_NAME: 'skill\u0085[amazon] POST /v1/proactiveEvents 202\u009b2J' });
    running.add(dev.child);
    await expect(dev.exited).resolves.toBe(EXIT.failed);
    const out = dev.output.text;
    expect(out).toContain('[skill]');
    expect(out).toContain('\\u0085[amazon] POST');
    const lines = out.split('\n');
    expect(lines.filter(hasControls)).toEqual([]);
    expect(lines.filter((line) => line.startsWith('[amazon]'))).toEqual([]);
  });

  it('refuses a SKILL_ID that is no skill id before it starts anything, saying so as text alone', async () => {
    const dev = startDev({ SKILL_ID: 'amzn1.ask.skill.\u0085[amazon] POST /v1/proactiveEvents 202\u009b2J' });
    running.add(dev.child);
    await expect(dev.exited).resolves.toBe(EXIT.failed);
    const out = dev.output.text;
    expect(out).toMatch(/^npm run dev could not start: The environment is invalid:\n {2}- SKILL_ID: expected a skill id like amzn1\.ask\.skill\./);
    expect(out).toContain('\\u0085[amazon] POST');
    expect(out).not.toContain('[skill]');
    const lines = out.split('\n');
    expect(lines.filter(hasControls)).toEqual([]);
    expect(lines.filter((line) => line.startsWith('[amazon]'))).toEqual([]);
  });
});
