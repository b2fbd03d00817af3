import { readSettings, type Settings } from 'jovo-plugin-proactive-events';
import { findProjectRoot, type Environment } from 'jovo-plugin-proactive-events/internal';

// Named settings.ts, not config.ts: Jovo treats dist/src/config.js as its own config file and merges it into
// every App (its test runtime points JOVO_CONFIG there), which would mix this module's exports into the app.

/** The project folder: the nearest folder above this file that holds app.json (works from src/ and dist/src/). */
export const PROJECT_ROOT = projectRoot(__dirname);

/**
 * This project's settings (the plugin's `readSettings` of its app.json and `env`), read once at start and passed
 * explicitly, so that tests, servers and Lambda agree. `env` defaults to the process's over the project's `.env`.
 * `signatures: false` for a door that never checks Alexa's signatures: behind the Jovo Webhook (`jovo3 run`), which
 * cannot carry them, and on Lambda, where Alexa invokes the function; where they are checked, SKILL_ID is required.
 */
export function loadSettings(env?: Environment, { signatures = true }: { signatures?: boolean } = {}): Settings {
  return readSettings({ projectRoot: PROJECT_ROOT, env, signatures });
}

function projectRoot(start: string): string {
  const root = findProjectRoot(start);
  if (!root) throw new Error(`No app.json found in ${start} or any folder above it`);
  return root;
}
