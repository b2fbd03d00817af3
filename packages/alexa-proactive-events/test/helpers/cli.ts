import * as path from 'path';
import { runCli } from '../../src/cli';

/** The time of the fixtures: the examples' events are current then (they expire at 11:00). */
export const FIXTURE_TIME = Date.parse('2026-11-22T10:30:00Z');

/** The package's folder, where the examples are: relative paths start there. */
export const PACKAGE = path.join(__dirname, '..', '..');

/** Runs `alexa-proactive-events` in-process and captures what it prints. */
export async function cli(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const { status } = await runCli(argv, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    cwd: PACKAGE,
    now: () => FIXTURE_TIME,
  });
  return { status, out, err };
}

/** The one JSON object a --json run printed. */
export function json(out: string): Record<string, unknown> {
  const lines = out.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]);
}
