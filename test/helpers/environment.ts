import * as fs from 'fs';
import * as path from 'path';

/**
 * Every variable `.env.example` names, set empty: a real variable wins over the project's `.env`, and an empty
 * one counts as unset, so a skill started with these reads nothing of the developer's own `.env` (a
 * TRIGGER_SECRET put there by the quick start, say). Tests add what they mean to set.
 */
export const WITHOUT_DOTENV: Readonly<Record<string, string>> = Object.fromEntries(
  [...fs.readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8').matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map(([, name]) => [name, '']),
);
