import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * What `npm run dev` tells the trigger script while it runs: where the development skill and the emulator listen,
 * and the development trigger secret, in `.proactive-events/dev.json` (mode 0600, ignored by git). The script uses
 * it only for the development skill's own webhook, so the secret never goes anywhere else.
 */
export interface DevSession {
  webhook: string;
  emulator: string;
  secret: string;
  skillId: string;
  /** The process of `npm run dev`; a file whose process is gone is stale and ignored. */
  pid: number;
  /**
   * When that process started, as the system tells it (`/proc/<pid>/stat` on Linux, `ps -o lstart=` elsewhere):
   * a pid that another process has been given since has another start, and the file is ignored. null where the
   * system tells neither (Windows): there the pid alone is checked.
   */
  started: string | null;
}

/** The skill id of development requests when SKILL_ID is not set: no real skill has it. */
export const DEV_SKILL_ID = 'amzn1.ask.skill.00000000-0000-0000-0000-00000000de00';

/** Where the session is, from the project's folder. */
export const DEV_SESSION_FILE = path.join('.proactive-events', 'dev.json');

/**
 * Writes the session, readable by this user alone: into a new file of mode 0600 beside it, renamed over the old
 * one, so that neither a file left readable by all nor a link planted at its path keeps or redirects the secret.
 */
export function writeDevSession(root: string, session: Omit<DevSession, 'started'>): void {
  const file = path.join(root, DEV_SESSION_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const written: DevSession = { ...session, started: processStart(session.pid) ?? null };
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  // 'wx' creates the file or fails, and never follows a link: the secret is written nowhere but here.
  fs.writeFileSync(temporary, `${JSON.stringify(written, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** Removes the session, as `npm run dev` stops (a link there is removed, not what it points to). */
export function removeDevSession(root: string): void {
  fs.rmSync(path.join(root, DEV_SESSION_FILE), { force: true });
}

/**
 * The running development session of the project at `root`, if there is one. A file left by a run that was
 * killed (its process gone, or its pid given to another process since) is ignored, and `ignored` told why.
 */
export function readDevSession(root: string | undefined, ignored: (why: string) => void = () => undefined): DevSession | undefined {
  if (!root) return undefined;
  let session: Partial<DevSession>;
  try {
    session = JSON.parse(fs.readFileSync(path.join(root, DEV_SESSION_FILE), 'utf8')) as Partial<DevSession>;
  } catch {
    return undefined;
  }
  const { webhook, emulator, secret, skillId, pid, started } = session;
  if (typeof webhook !== 'string' || typeof emulator !== 'string' || typeof secret !== 'string' || typeof skillId !== 'string' || typeof pid !== 'number') return undefined;
  const stale = (what: string) => ignored(`ignored ${DEV_SESSION_FILE}: process ${pid} ${what} (stale file from a run that was killed); start npm run dev again`);
  // Without its process's start time (an older npm run dev wrote it), nothing tells that process from another.
  if (typeof started !== 'string' && started !== null) return void stale('cannot be told from another (the file has no start time)');
  if (!isRunning(pid)) return void stale('is gone');
  if (started !== null && processStart(pid) !== started) return void stale('is not npm run dev');
  return { webhook, emulator, secret, skillId, pid, started };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When process `pid` started, as the system tells it, or undefined when there is no such process or no way to
 * tell. Linux keeps it in `/proc/<pid>/stat` (clock ticks after boot); macOS and the BSDs have no /proc, and `ps`
 * tells it to the second.
 */
function processStart(pid: number): string | undefined {
  if (fs.existsSync('/proc/self/stat')) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command's name (the second field) may hold spaces and parentheses; the fields after its last ')' are
      // fixed: the state is the third field, the start time the twenty-second.
      return `linux:${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}`;
    } catch {
      return undefined;
    }
  }
  if (process.platform === 'win32') return undefined;
  const ps = spawnSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', timeout: 5000 });
  const lstart = ps.status === 0 ? ps.stdout.trim() : '';
  return lstart ? `ps:${lstart}` : undefined;
}
