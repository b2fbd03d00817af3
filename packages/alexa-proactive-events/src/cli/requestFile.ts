import * as fs from 'fs';
import * as path from 'path';
import type { Issue } from '../issues';
import { jsonSyntaxError } from '../json';
import { validateRequest, type ValidationOptions, type ValidationResult } from '../request/validate';
import { isTriggerRequest } from '../trigger/verify';
import { EXIT, Exit, type Io } from './io';

/**
 * A request body read from a file and validated, with the body as written (`input`: fields Amazon's documentation
 * does not name are kept there, and sent); a file that cannot be read ends the command (usage error).
 */
export function readRequestFile(file: string, io: Io, options: ValidationOptions = {}): ValidationResult & { input?: unknown } {
  const full = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (error) {
    io.err(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}\n`);
    throw new Exit(EXIT.usage);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    const issue: Issue = { path: '', message: jsonSyntaxError(text, error as Error) };
    return { ok: false, issues: [issue], warnings: [] };
  }
  if (isTriggerRequest(input)) {
    const message = 'this is a signed trigger (what --dry-run prints), not a request body; the event inside is at trigger.data.event: post the trigger to the skill, or give a request body';
    return { ok: false, issues: [{ path: '', message }], warnings: [] };
  }
  return { ...validateRequest(input, options), input };
}
