import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The identity triggers name for a skill that runs without a skill id (Alexa's signatures not checked, on this
 * machine: `jovo3 run`, `npm start` with ALEXA_VERIFY_REQUESTS=false): `local.` and 16 hex digits of a hash of its
 * project folder, the same for the skill and for the trigger script run in that folder, and different for every
 * other project, so a trigger for one local skill is refused by another that shares its secret.
 */
export function localSkillId(projectRoot: string): string {
  let root = path.resolve(projectRoot);
  try {
    root = fs.realpathSync(root);
  } catch {
    // A folder that does not exist (yet) is named as given.
  }
  return `local.${createHash('sha256').update(root).digest('hex').slice(0, 16)}`;
}
