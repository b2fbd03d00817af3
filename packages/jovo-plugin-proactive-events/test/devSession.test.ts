import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTrigger } from '../src/cli';
import { DEV_SESSION_FILE, readDevSession, writeDevSession, type DevSession } from '../src/cli/devSession';
import { PROJECT } from './helpers/app';

/**
 * `.proactive-events/dev.json`, where `npm run dev` leaves its trigger secret for the trigger script: readable by
 * its user alone however the file was before, never written through a link, and trusted only while the process
 * that wrote it runs.
 */
const SESSION = { webhook: 'http://127.0.0.1:3000/webhook', emulator: 'http://127.0.0.1:3001', secret: 'a-development-secret-of-enough-length-0000', skillId: 'amzn1.ask.skill.00000000-0000-0000-0000-00000000de00' };

let root: string;
let file: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-session-'));
  fs.copyFileSync(path.join(PROJECT, 'app.json'), path.join(root, 'app.json'));
  file = path.join(root, DEV_SESSION_FILE);
  fs.mkdirSync(path.dirname(file));
});

const children = new Set<ChildProcess>();
afterEach(() => children.forEach((child) => child.kill('SIGKILL')));

/** A live process that is not npm run dev. */
async function unrelatedProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 1e5)'], { stdio: 'ignore' });
  children.add(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child;
}

async function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve));
}

const stored = () => JSON.parse(fs.readFileSync(file, 'utf8')) as DevSession;

describe('writing the session', () => {
  it('leaves it readable by this user alone, though a file there was readable by all', () => {
    fs.writeFileSync(file, '{}', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    writeDevSession(root, { ...SESSION, pid: process.pid });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(stored()).toMatchObject({ ...SESSION, pid: process.pid });
  });

  it('replaces a link planted at its path rather than write the secret through it', () => {
    const victim = path.join(root, 'victim.txt');
    fs.writeFileSync(victim, 'not yours to overwrite\n', { mode: 0o644 });
    fs.symlinkSync(victim, file);
    writeDevSession(root, { ...SESSION, pid: process.pid });
    expect(fs.readFileSync(victim, 'utf8')).toBe('not yours to overwrite\n');
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(false);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['dev.json']);
  });
});

describe('reading the session', () => {
  it('takes the session of the process that wrote it, while it runs', async () => {
    const dev = await unrelatedProcess(); // stands in for npm run dev
    writeDevSession(root, { ...SESSION, pid: dev.pid! });
    const ignored: string[] = [];
    expect(readDevSession(root, (why) => ignored.push(why))).toEqual({ ...SESSION, pid: dev.pid, started: expect.any(String) });
    expect(ignored).toEqual([]);
  });

  it('ignores a session whose process is gone, and says so', async () => {
    const dev = await unrelatedProcess();
    writeDevSession(root, { ...SESSION, pid: dev.pid! });
    dev.kill('SIGKILL');
    await ended(dev);
    const ignored: string[] = [];
    expect(readDevSession(root, (why) => ignored.push(why))).toBeUndefined();
    expect(ignored).toEqual([`ignored ${DEV_SESSION_FILE}: process ${dev.pid} is gone (stale file from a run that was killed); start npm run dev again`]);
  });

  it('ignores a session written without its start time, whose pid cannot be told from another process', () => {
    fs.writeFileSync(file, JSON.stringify({ ...SESSION, pid: process.pid }), { mode: 0o600 });
    const ignored: string[] = [];
    expect(readDevSession(root, (why) => ignored.push(why))).toBeUndefined();
    expect(ignored).toEqual([`ignored ${DEV_SESSION_FILE}: process ${process.pid} cannot be told from another (the file has no start time) (stale file from a run that was killed); start npm run dev again`]);
  });

  it('ignores a session whose pid now belongs to an unrelated live process, and says so', async () => {
    // A run killed with SIGKILL left its file; its pid was given to another process since.
    const killed = await unrelatedProcess();
    writeDevSession(root, { ...SESSION, pid: killed.pid! });
    killed.kill('SIGKILL');
    await ended(killed);
    // Linux counts start times in clock ticks (10 ms): a process started within the same tick would look the same.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const other = await unrelatedProcess();
    fs.writeFileSync(file, JSON.stringify({ ...stored(), pid: other.pid }));
    const ignored: string[] = [];
    expect(readDevSession(root, (why) => ignored.push(why))).toBeUndefined();
    expect(ignored).toEqual([`ignored ${DEV_SESSION_FILE}: process ${other.pid} is not npm run dev (stale file from a run that was killed); start npm run dev again`]);
  });

  it('makes the trigger script say on stderr why it ignored a stale session', async () => {
    const killed = await unrelatedProcess();
    writeDevSession(root, { ...SESSION, pid: killed.pid! });
    killed.kill('SIGKILL');
    await ended(killed);
    let err = '';
    const status = await runTrigger(['invoke', 'launch'], { out: () => undefined, err: (text) => (err += text), cwd: root });
    expect(status).toBe(2);
    expect(err).toBe(
      `ignored ${DEV_SESSION_FILE}: process ${killed.pid} is gone (stale file from a run that was killed); start npm run dev again\n` +
        '✗ no development skill: start one with npm run dev (or name one with --endpoint and its emulator with --emulator)\n',
    );
  });
});
