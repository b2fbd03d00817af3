import { spawn } from 'child_process';
import * as fs from 'fs';
import { createServer } from 'net';
import * as os from 'os';
import * as path from 'path';
import { launchRequest } from './helpers/plugin';
import { enUS } from '../src/skill/i18n/en-US';

/**
 * `npx jovo3 run`, as a Jovo developer starts it: the real Jovo CLI on a fresh copy of the project (no dist/ of the template), an
 * empty HOME, no registry to ask for updates and no Jovo Webhook to connect to.
 */
const root = path.join(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

it('compiles the sources, serves the webhook on --port, and keeps serving offline, saying so in one line', async () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'jovo-run-'));
  const skip = new Set(['node_modules', 'bundle', 'bundle.zip', 'db', '.git', '.env']);
  // The template's dist/ stays behind, so the CLI has it compiled; the packages' builds come along, as current as
  // here (their times kept), since the skill runs them from here through node_modules whatever the copy compiles.
  const packages = path.join(root, 'packages');
  const isTemplateDist = (file: string) => path.basename(file) === 'dist' && path.dirname(path.dirname(file)) !== packages;
  fs.cpSync(root, copy, { recursive: true, preserveTimestamps: true, filter: (file) => !skip.has(path.basename(file)) && !isTemplateDist(file) });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'jovo-run-home-')),
    // Offline: the CLI's registry and the Jovo Webhook cannot be reached.
    npm_config_registry: 'http://127.0.0.1:9/',
  };
  const cli = spawn(process.execPath, [path.join(root, 'node_modules', 'jovo-cli', 'bin', 'run'), 'run', '--port', String(port)], { cwd: copy, env, detached: true, stdio: 'pipe' });
  let output = '';
  cli.stdout.on('data', (chunk) => (output += chunk));
  cli.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      const check = () => output.includes(`listening on http://127.0.0.1:${port}/webhook`) && resolve();
      cli.stdout.on('data', check);
      void exited.then((code) => reject(new Error(`jovo3 run exited with ${code}:\n${output}`)));
    });
    const launch = () => fetch(`http://127.0.0.1:${port}/webhook`, { method: 'POST', body: JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.JOVO-RUN' })) });
    const first = await launch();
    expect(first.status).toBe(200);
    expect(JSON.stringify(await first.json())).toContain(enUS.translation.welcome);
    // Long enough for the CLI to retry the Jovo Webhook a few times (its first retries come within seconds).
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(cli.exitCode).toBeNull();
    expect((await launch()).status).toBe(200);
    expect(output).toContain('Compiling the project (once)');
    expect(output).not.toContain('xhr poll error');
    const unreachable = output.match(/Jovo Webhook: cannot reach https:\/\/webhookv3\.jovo\.cloud; still trying\.$/gm) ?? [];
    // Where the relay can be reached after all, the CLI prints its URL instead.
    expect(unreachable).toHaveLength(output.includes('This is your webhook url:') ? 0 : 1);
    expect(JSON.parse(fs.readFileSync(path.join(env.HOME, '.jovo', 'config'), 'utf8'))).toMatchObject({ timeLastUpdateMessage: expect.any(String) });
  } finally {
    // The CLI and the server it started: the whole process group.
    process.kill(-cli.pid!, 'SIGKILL');
    fs.rmSync(copy, { recursive: true, force: true });
  }
}, 60_000);
