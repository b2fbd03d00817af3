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
}

/** The skill id of development requests when SKILL_ID is not set: no real skill has it. */
export const DEV_SKILL_ID = 'amzn1.ask.skill.00000000-0000-0000-0000-00000000de00';

/** Where the session is, from the project's folder. */
export const DEV_SESSION_FILE = path.join('.proactive-events', 'dev.json');

/** Writes the session, readable by this user alone. */
export function writeDevSession(root: string, session: DevSession): void {
  const file = path.join(root, DEV_SESSION_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
}

/** Removes the session, as `npm run dev` stops. */
export function removeDevSession(root: string): void {
  fs.rmSync(path.join(root, DEV_SESSION_FILE), { force: true });
}

/** The running development session of the project at `root`, if there is one. */
export function readDevSession(root: string | undefined): DevSession | undefined {
  if (!root) return undefined;
  let session: Partial<DevSession>;
  try {
    session = JSON.parse(fs.readFileSync(path.join(root, DEV_SESSION_FILE), 'utf8')) as Partial<DevSession>;
  } catch {
    return undefined;
  }
  const { webhook, emulator, secret, skillId, pid } = session;
  if (typeof webhook !== 'string' || typeof emulator !== 'string' || typeof secret !== 'string' || typeof skillId !== 'string' || typeof pid !== 'number') return undefined;
  return isRunning(pid) ? { webhook, emulator, secret, skillId, pid } : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
