import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import * as path from 'path';
import chokidar, { type FSWatcher } from 'chokidar';
import { printable } from 'alexa-proactive-events/internal';
import { EXIT } from 'alexa-proactive-events/cli';
import { createEmulator } from 'alexa-proactive-events/emulator';
import { readSettings } from 'jovo-plugin-proactive-events';
import { DEV_SESSION_FILE, DEV_SKILL_ID, readDevSession, readEnvironment, removeDevSession, writeDevSession } from 'jovo-plugin-proactive-events/internal';
import { PROJECT_ROOT } from '../settings';

/**
 * `npm run dev`: the emulator of Amazon's API and the skill, on this machine alone, for development. The skill runs
 * as `npm start` does, with the emulator as Amazon (tokens and events), a new trigger secret that the trigger script
 * finds by itself (.proactive-events/dev.json), and Alexa's signatures not checked, since the emulator and the
 * `invoke` command play Alexa. A change to a source, app.json or a package rebuilds and restarts the skill.
 */

const LOOPBACK = '127.0.0.1';
/** What the watcher follows: the template's sources, its declaration, and the two packages' sources. */
const WATCHED = ['src', 'app.json', 'project.js', 'packages/alexa-proactive-events/src', 'packages/jovo-plugin-proactive-events/src'];
const SKILL_ENTRY = path.join(PROJECT_ROOT, 'dist', 'src', 'index.js');
const FRESH = path.join(PROJECT_ROOT, 'scripts', 'fresh.js');

async function dev(): Promise<void> {
  const running = readDevSession(PROJECT_ROOT);
  if (running) throw new Error(`npm run dev is already running (process ${running.pid}): the skill at ${running.webhook}`);
  const env = readEnvironment(PROJECT_ROOT);
  // Read as the trigger script reads them: the skill's own requirements are met below (loopback, no signatures).
  const settings = readSettings({ projectRoot: PROJECT_ROOT, env, purpose: 'command' });
  const port = settings.server.port;
  const skillId = settings.alexa.skillId ?? DEV_SKILL_ID;
  const secret = randomBytes(32).toString('hex');
  const emulator = await createEmulator({
    port: portOf(env.EMULATOR_PORT, 3001, 'EMULATOR_PORT'),
    host: LOOPBACK,
    skillJsonPath: path.join(PROJECT_ROOT, 'platforms', 'alexaSkill', 'skill-package', 'skill.json'),
    subscribers: {},
    log: (line) => write(`[amazon] ${printable(line)}\n`),
  }).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot start the emulator: ${error.message}${error.code === 'EADDRINUSE' ? ' (set EMULATOR_PORT to another port)' : ''}`);
  });
  const skillEnv: NodeJS.ProcessEnv = {
    ...process.env,
    JOVO_PORT: String(port),
    HOST: LOOPBACK, // whatever .env says: nothing of the development loop listens beyond this machine
    ALEXA_VERIFY_REQUESTS: 'false',
    SKILL_ID: skillId,
    TRIGGER_SECRET: secret,
    ALEXA_CLIENT_ID: 'amzn1.application-oa2-client.development',
    ALEXA_CLIENT_SECRET: randomBytes(16).toString('hex'),
    LWA_TOKEN_URL: `${emulator.url}/auth/o2/token`,
    PROACTIVE_API_ENDPOINTS: emulator.url,
    PROACTIVE_API_ENDPOINT: emulator.url, // app.json's schedules send to the emulator too
  };
  const skill = new SkillProcess(skillEnv);
  let webhook: string;
  try {
    webhook = await skill.start();
  } catch (error) {
    await emulator.close();
    throw error;
  }
  emulator.setSkill({ url: webhook, skillId });
  let watcher: FSWatcher | undefined;
  let stopping = false;
  const stop = async () => {
    // The session goes first, before anything that can wait: a second Ctrl-C (or any signal) finds it gone.
    removeDevSession(PROJECT_ROOT);
    if (stopping) return process.exit(EXIT.ok);
    stopping = true;
    await watcher?.close();
    await skill.stop();
    await emulator.close();
    write('\n[dev] stopped: the skill and the emulator are closed, and the session and its trigger secret removed\n');
    process.exit(EXIT.ok);
  };
  // Ours before the session is written, and before anyone else's are taken away (Jovo exits with status 2 on
  // SIGINT), so that no moment is left in which a signal ends the process the default way and leaves the file.
  // SIGHUP: the terminal was closed; SIGQUIT: Ctrl-\. Each one, however often it comes: a second stops at once.
  const onSignal = () => void stop();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) process.on(signal, onSignal);
  for (const listener of process.listeners('SIGINT')) if (listener !== onSignal) process.off('SIGINT', listener);
  writeDevSession(PROJECT_ROOT, { webhook, emulator: emulator.url, secret, skillId, pid: process.pid });
  // However this process ends while it can still run code (an uncaught exception included), the secret goes with
  // it; killed outright (SIGKILL), it leaves the file, which the trigger script then finds stale and ignores.
  process.once('exit', () => {
    removeDevSession(PROJECT_ROOT);
    skill.kill();
  });
  // Jovo logs an uncaught exception or rejection and carries on (jovo-core's BaseApp listens for both); the
  // development loop stops instead, taking its secret and its skill with it, rather than run on in a state no one knows.
  const crashed = (error: unknown) => {
    process.stderr.write(`[dev] stopped by an error nothing caught: ${printable(error instanceof Error ? error.message : String(error))}\n`);
    process.exit(EXIT.failed);
  };
  process.once('uncaughtException', crashed);
  process.once('unhandledRejection', crashed);
  watcher = watch(() => skill.restart());

  write(
    `\nDevelopment: the skill and Amazon's emulator, on this machine alone.\n` +
      `  Skill webhook     ${webhook}  (Alexa's signatures are not checked: the emulator and invoke play Alexa)\n` +
      `  Amazon emulator   ${emulator.url}  notifications and subscribers: ${emulator.url}/\n` +
      `  Trigger secret    a new one, in ${DEV_SESSION_FILE}, which the trigger script reads by itself\n` +
      `Try:\n` +
      `  npx proactive-events invoke launch\n` +
      `  npx proactive-events subscribe --user amzn1.ask.account.DEV\n` +
      `  npx proactive-events weather --alert-type TORNADO --user amzn1.ask.account.DEV\n` +
      `A change to src/, app.json or a package rebuilds and restarts the skill. Ctrl-C stops.\n\n`,
  );
}

/** The skill as a child process (`npm start`'s entry), its output prefixed, restarted after a good build. */
class SkillProcess {
  #child?: ChildProcess;
  #restarting = Promise.resolve();

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** Starts the skill and resolves with its webhook URL once it listens. */
  start(): Promise<string> {
    // The IPC channel ends when this process does, however it ends: the skill, holding the development secret,
    // stops with it (see src/entry/webhook.ts) rather than serve on alone.
    const child = spawn(process.execPath, [SKILL_ENTRY], { cwd: PROJECT_ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.#child = child;
    return new Promise((resolve, reject) => {
      let output = '';
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        // Each line as text alone: nothing the skill prints (a value a request chose, say) forges a line of its
        // own or sends this terminal a sequence.
        for (const line of chunk.toString().split(/\r?\n/).filter(Boolean)) write(`[skill] ${printable(line)}\n`);
        const listening = /listening on (http:\/\/\S+\/webhook)/.exec(output);
        if (!listening) return;
        // A restart keeps the port the first start was given (JOVO_PORT=0 picks one), so the URL stays.
        this.env.JOVO_PORT = new URL(listening[1]).port;
        resolve(listening[1]);
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', (code) => reject(new Error(`the skill stopped (exit ${code}) before it listened; its output is above`)));
    });
  }

  /** Rebuilds (nothing when the build is current) and, if that succeeds, restarts the skill; one at a time. */
  restart(): Promise<void> {
    this.#restarting = this.#restarting.then(async () => {
      write('[dev] a source changed: rebuilding…\n');
      const built = await new Promise<number | null>((resolve) => spawn(process.execPath, [FRESH], { cwd: PROJECT_ROOT, stdio: 'inherit' }).once('exit', resolve));
      if (built !== 0) return write('[dev] the build failed (above): the skill keeps running as it was; save a fix to try again\n');
      await this.stop();
      const webhook = await this.start().catch((error: Error) => write(`[dev] ${error.message}\n`));
      if (webhook) write(`[dev] restarted: ${webhook}\n`);
    });
    return this.#restarting;
  }

  /** Stops the skill at once (as this process exits). */
  kill(): void {
    this.#child?.kill('SIGTERM');
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.removeAllListeners('exit');
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }
}

/**
 * Watches the sources with chokidar, which follows each directory rather than each file, so a file replaced by a
 * rename (an editor's atomic save, `sed -i`, `git checkout`) is still followed; a burst of changes restarts once.
 */
function watch(changed: () => Promise<void>): FSWatcher {
  let timer: NodeJS.Timeout | undefined;
  const later = (file: string) => {
    if (!/\.(ts|json|js)$/.test(file)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void changed(), 200);
  };
  return chokidar
    .watch(WATCHED.map((entry) => path.join(PROJECT_ROOT, entry)), { ignoreInitial: true })
    .on('all', (_event, file) => later(file))
    .on('error', (error) => write(`[dev] cannot watch the sources: ${(error as Error).message}\n`));
}

function portOf(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port from 0 to 65535, not ${JSON.stringify(value)}`);
  return port;
}

function write(text: string): void {
  process.stdout.write(text);
}

if (require.main === module) {
  dev().catch((error: Error) => {
    // Each line as text alone: a message may quote a variable, whatever it holds.
    process.stderr.write(`npm run dev could not start: ${error.message.split('\n').map(printable).join('\n')}\n`);
    process.exit(EXIT.failed);
  });
}

export { dev };
